import { InMemoryArchiveRepository } from '../in-memory-archive.repository';
import { ReconcileArchiveHandler } from './reconcile-archive.handler';
import { ReconcileArchiveQuery } from './reconcile-archive.query';

describe('ReconcileArchiveHandler', () => {
  const sha = (n: number) => Buffer.alloc(32, n);

  it('is reconciled when every escrowed version of every issued card is in exactly one volume', async () => {
    const repo = new InMemoryArchiveRepository();
    repo.cards.push({
      cardId: 'c1',
      serial: 'S1',
      state: 'issued',
      vscId: 'v1',
      versions: [{ version: 1, sha256: sha(1).toString('hex') }],
    });
    repo.addVolume({ volume: 1 }, [{ vscId: 'v1', version: 1, path: 'VSC/V1.VSC', sha256: sha(1), size: 10, cardSerial: 'S1' }]);
    const r = await new ReconcileArchiveHandler(repo).execute(new ReconcileArchiveQuery());
    expect(r).toMatchObject({ ok: true, cards: 1, versions: 1, copies: 1, volumes: [1], missing: [], duplicated: [], mismatched: [] });
  });

  it('lists versions missing from every volume, and versions sealed twice', async () => {
    const repo = new InMemoryArchiveRepository();
    repo.cards.push(
      { cardId: 'c1', serial: 'S1', state: 'issued', vscId: 'v1', versions: [{ version: 1, sha256: sha(1).toString('hex') }] },
      { cardId: 'c2', serial: 'S2', state: 'issued', vscId: 'v2', versions: [{ version: 1, sha256: sha(2).toString('hex') }] },
    );
    const copy = { vscId: 'v1', version: 1, path: 'VSC/V1.VSC', sha256: sha(1), size: 10, cardSerial: 'S1' };
    repo.addVolume({ volume: 1 }, [copy]);
    repo.addVolume({ volume: 2 }, [copy]);
    const r = await new ReconcileArchiveHandler(repo).execute(new ReconcileArchiveQuery());
    expect(r.ok).toBe(false);
    expect(r.missing).toEqual([expect.objectContaining({ cardId: 'c2', vscId: 'v2', version: 1 })]);
    expect(r.duplicated).toEqual([expect.objectContaining({ cardId: 'c1', volumes: [1, 2] })]);
  });
});
