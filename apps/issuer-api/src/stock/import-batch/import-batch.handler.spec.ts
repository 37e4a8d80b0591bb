import { TestUnitOfWork, testActor } from '../../platform/testing/test-unit-of-work';
import { StockErrorCode } from '../stock-errors';
import { stockWorld } from '../testing/stock-world';
import { ImportStockBatchCommand } from './import-batch.command';
import { ImportStockBatchHandler } from './import-batch.handler';

const key = (i: number) => Buffer.alloc(24, i + 1).toString('hex');

function setup(devStock = false) {
  const st = stockWorld({ devStock });
  const uow = new TestUnitOfWork();
  const handler = new ImportStockBatchHandler(uow, st.repo, st.keys, st.service, st.cfg);
  const manifest = (n: number, name = 'acme-1', first = 1000) => ({
    name,
    algorithm: 'aes192',
    vendor: 'ACME',
    cards: Array.from({ length: n }, (_, i) => ({ serial: String(first + i), transportKey: key(i) })),
  });
  const run = (input: ConstructorParameters<typeof ImportStockBatchCommand>[0]) =>
    handler.execute(new ImportStockBatchCommand(input, testActor()));
  return { st, uow, run, manifest };
}

describe('ImportStockBatchHandler', () => {
  it('registers a batch with every transport key wrapped under the HSM (none stored as given), audited with the manifest hash', async () => {
    const { st, uow, run, manifest } = setup();
    const r = await run(manifest(100));
    expect(r).toMatchObject({ name: 'acme-1', kind: 'manifest', algorithm: 'aes192', cards: 100, attestation: false });
    expect(st.repo.cards.size).toBe(100);
    for (const [i, c] of [...st.repo.cards.values()].entries()) {
      expect(c.transportKeyWrapped!.subarray(0, 8).toString()).toBe('WRAPPED:');
      expect(c.transportKeyWrapped!.includes(Buffer.from(key(i), 'hex'))).toBe(false);
    }
    expect(st.repo.batches.get(r.id)).toMatchObject({ wrappingKey: 'scm-stock-kek/1', vendor: 'ACME', importedBy: testActor().actor });
    expect(uow.events).toEqual([
      expect.objectContaining({
        action: 'stock.batch-imported',
        outcome: 'success',
        details: expect.objectContaining({ name: 'acme-1', cards: 100, manifestSha256: expect.stringMatching(/^[0-9a-f]{64}$/) }),
      }),
    ]);
    expect(JSON.stringify(uow.events)).not.toContain(key(0));
  });

  it('refuses a bad line (nothing written), a batch name taken and serials already in stock (audited)', async () => {
    const { st, uow, run, manifest } = setup();
    const broken = manifest(3);
    broken.cards[2].transportKey = 'abcd';
    await expect(run(broken)).rejects.toMatchObject({ code: StockErrorCode.InvalidManifest, message: expect.stringMatching(/^card 3 /) });
    expect(st.repo.cards.size).toBe(0);
    await run(manifest(3));
    await expect(run(manifest(1))).rejects.toMatchObject({ code: StockErrorCode.Conflict });
    await expect(run(manifest(2, 'acme-2', 1002))).rejects.toMatchObject({
      code: StockErrorCode.Conflict,
      message: '1 serial(s) are in stock already: 1002',
    });
    expect(st.repo.cards.size).toBe(3);
    expect(uow.events.map((e) => `${e.action}:${e.outcome}`)).toEqual([
      'stock.batch-imported:success',
      'stock.import:denied',
      'stock.import:denied',
    ]);
  });

  it('refuses the development batch in production mode (audited); in development mode makes it once', async () => {
    const prod = setup(false);
    await expect(prod.run({ development: true })).rejects.toMatchObject({ code: StockErrorCode.DevelopmentStockDisabled });
    expect(prod.uow.events).toEqual([expect.objectContaining({ action: 'stock.import', targetId: 'factory-default', outcome: 'denied' })]);
    expect(prod.st.repo.batches.size).toBe(0);
    const dev = setup(true);
    expect(await dev.run({ development: true })).toMatchObject({ name: 'factory-default', kind: 'development', algorithm: '3des' });
    expect(await dev.run({ development: true })).toMatchObject({ name: 'factory-default', existed: true });
    expect(dev.st.repo.batches.size).toBe(1);
  });
});
