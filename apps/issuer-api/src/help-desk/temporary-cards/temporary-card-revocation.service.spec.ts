import { testActor } from '../../platform/testing/test-unit-of-work';
import { HelpdeskWorld } from '../testing/help-desk-world';

describe('TemporaryCardRevocation', () => {
  it('revokes the open temporary cards standing in for a card, and no others', async () => {
    const w = new HelpdeskWorld();
    const open = await w.temporaryCard({ state: 'active' });
    const issued = w.temporary.seed({ id: '00000000-0000-4000-8000-0000000000e2', state: 'issued', cardId: open.cardId });
    const closed = w.temporary.seed({ id: '00000000-0000-4000-8000-0000000000e3', state: 'expired', cardId: open.cardId });
    const other = await w.temporaryCard({ state: 'active' });
    const revoked = await w.uow.run(testActor(), (tx) => w.revocation.revokeStandIns(tx, open.cardId!, 'the card was found'));
    expect(revoked.sort()).toEqual([open.id, issued.id].sort());
    expect([open, issued, closed, other].map((t) => w.temporary.rows.get(t.id)?.state)).toEqual([
      'revoked',
      'revoked',
      'expired',
      'active',
    ]);
    expect(w.uow.events.filter((e) => e.action === 'temporary-card.revoked').map((e) => e.details?.reason)).toEqual([
      'the card was found',
      'the card was found',
    ]);
  });
});
