import { HelpdeskWorld } from '../../testing/help-desk-world';
import { ExpireTemporaryCardCommand } from './expire-temporary-card.command';
import { ExpireTemporaryCardHandler } from './expire-temporary-card.handler';

describe('ExpireTemporaryCardHandler', () => {
  it('marks a card past its expiry expired, disables its VSC and audits it as the system', async () => {
    const w = new HelpdeskWorld();
    const t = await w.temporaryCard({ state: 'active', expiresAt: new Date('2026-12-01T08:00:00Z') });
    const expire = new ExpireTemporaryCardHandler(w.uow, w.temporary, w.vscs);
    expect(await expire.execute(new ExpireTemporaryCardCommand(t.id))).toBe(true);
    expect(w.temporary.rows.get(t.id)).toMatchObject({ state: 'expired', closedAt: w.now, closeReason: 'expired' });
    expect(w.vscs.vscs.get(t.id)?.state.status).toBe('disabled');
    expect(w.uow.events).toEqual([
      expect.objectContaining({
        action: 'temporary-card.expired',
        actor: 'system:temporary-cards',
        targetId: t.id,
        outcome: 'success',
        details: { cardId: t.cardId, cardholderId: t.cardholderId, expiresAt: '2026-12-01T08:00:00.000Z' },
      }),
    ]);
    // Run again (a job delivered twice): nothing more happens.
    expect(await expire.execute(new ExpireTemporaryCardCommand(t.id))).toBe(false);
    expect(w.uow.events).toHaveLength(1);
  });

  it('leaves a card not yet due, a revoked one and an unknown one alone', async () => {
    const w = new HelpdeskWorld();
    const expire = new ExpireTemporaryCardHandler(w.uow, w.temporary, w.vscs);
    const later = await w.temporaryCard({ state: 'active' });
    const revoked = await w.temporaryCard({ state: 'revoked', expiresAt: new Date('2026-12-01T08:00:00Z') });
    for (const id of [later.id, revoked.id, '00000000-0000-4000-8000-000000000404'])
      expect(await expire.execute(new ExpireTemporaryCardCommand(id))).toBe(false);
    expect(w.temporary.rows.get(later.id)?.state).toBe('active');
    expect(w.temporary.rows.get(revoked.id)?.state).toBe('revoked');
    expect(w.uow.events).toEqual([]);
  });
});
