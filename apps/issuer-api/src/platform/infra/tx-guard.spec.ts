import type { DataSource } from 'typeorm';
import { guardSecondConnections, outsideUnitOfWork, SecondConnectionError, withinUnitOfWork } from './tx-guard';

/** A data source whose only part here is the pool checkout. */
function fakeDataSource() {
  const checkouts: string[] = [];
  const ds = { createQueryRunner: (mode?: string) => (checkouts.push(mode ?? 'master'), { mode }) } as unknown as DataSource;
  return { ds, checkouts };
}

describe('the second-connection guard', () => {
  it('lets checkouts outside a unit of work through', () => {
    const { ds, checkouts } = fakeDataSource();
    const seen: SecondConnectionError[] = [];
    guardSecondConnections(ds, (e) => void seen.push(e));
    ds.createQueryRunner();
    expect(checkouts).toEqual(['master']);
    expect(seen).toEqual([]);
  });

  it('reports a checkout inside a unit of work, across awaits, and may refuse it', async () => {
    const { ds, checkouts } = fakeDataSource();
    guardSecondConnections(ds, (e) => {
      throw e;
    });
    await expect(
      withinUnitOfWork('issue', async () => {
        await new Promise((r) => setTimeout(r, 1));
        return ds.createQueryRunner();
      }),
    ).rejects.toEqual(expect.objectContaining({ name: 'SecondConnectionError', unitOfWork: 'issue' }));
    expect(checkouts).toEqual([]);
  });

  it('leaves work started outside the mark alone, and the mark ends with the unit of work', async () => {
    const { ds, checkouts } = fakeDataSource();
    const seen: string[] = [];
    guardSecondConnections(ds, (e) => void seen.push(e.unitOfWork));
    await withinUnitOfWork('a', async () => {
      outsideUnitOfWork(() => ds.createQueryRunner());
    });
    ds.createQueryRunner();
    expect(seen).toEqual([]);
    expect(checkouts).toHaveLength(2);
  });

  it('wraps a data source once', async () => {
    const { ds } = fakeDataSource();
    const seen: string[] = [];
    guardSecondConnections(ds, (e) => void seen.push(e.unitOfWork));
    guardSecondConnections(ds, (e) => void seen.push(`again ${e.unitOfWork}`));
    await withinUnitOfWork('b', async () => void ds.createQueryRunner());
    expect(seen).toEqual(['b']);
  });
});
