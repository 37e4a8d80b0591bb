import { VscEscrowErrorCode } from '../vsc-escrow-errors';
import { InMemoryVscRepository } from '../in-memory-vsc.repository';
import { ShowVscHandler } from './show-vsc.handler';
import { ShowVscQuery } from './show-vsc.query';

describe('ShowVscHandler', () => {
  const at = new Date('2026-12-01T10:00:00Z');
  const tx = { em: undefined as never, now: at };

  it('shows the state and every version without content, oldest first', async () => {
    const repo = new InMemoryVscRepository();
    await repo.insert(tx, {
      id: 'v1',
      kind: 'escrow',
      label: 'VSC 00001079',
      requestId: 'r1',
      cardholderId: 'c1',
      parentId: null,
      currentVersion: 2,
      state: { sequence: 1, status: 'active', pin: { remaining: 3, total: 3 }, puk: { remaining: 3, total: 3 } },
      createdAt: at,
      updatedAt: at,
    });
    for (const version of [2, 1]) {
      await repo.insertVersion(tx, {
        vscId: 'v1',
        version,
        content: Buffer.from('secret sealed bytes'),
        sha256: Buffer.alloc(32, version),
        size: 19,
        kekLabel: 'scm-vsc-kek/1',
        recoveryLabel: 'scm-recovery/1',
        reason: version === 1 ? 'issued' : 'certified on-card key 9a',
        createdAt: at,
        escrowedAt: version === 1 ? at : null,
      });
    }
    const view = await new ShowVscHandler(repo).execute(new ShowVscQuery('v1'));
    expect(view).toMatchObject({ id: 'v1', kind: 'escrow', currentVersion: 2, state: { status: 'active' } });
    expect(view.versions.map((v) => [v.version, v.reason, v.escrowedAt])).toEqual([
      [1, 'issued', at.toISOString()],
      [2, 'certified on-card key 9a', null],
    ]);
    expect(view.versions[0].sha256).toBe('01'.repeat(32));
    expect(JSON.stringify(view)).not.toMatch(/secret sealed bytes|content/);
  });

  it('is NotFound for an unknown VSC', async () => {
    await expect(new ShowVscHandler(new InMemoryVscRepository()).execute(new ShowVscQuery('nope'))).rejects.toMatchObject({
      code: VscEscrowErrorCode.NotFound,
    });
  });
});
