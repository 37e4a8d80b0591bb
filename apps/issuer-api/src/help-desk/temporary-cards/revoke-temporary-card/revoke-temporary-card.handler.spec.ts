import { testActor } from '../../../platform/testing/test-unit-of-work';
import { HelpdeskWorld } from '../../testing/help-desk-world';
import { TemporaryCardErrorCode as E } from '../temporary-card-errors';
import { RevokeTemporaryCardCommand } from './revoke-temporary-card.command';
import { RevokeTemporaryCardHandler } from './revoke-temporary-card.handler';

function setup() {
  const w = new HelpdeskWorld();
  const handler = new RevokeTemporaryCardHandler(w.uow, w.revocation, w.temporaryViews, w.temporary);
  const revoke = (id: string, reason = 'the cardholder left') => handler.execute(new RevokeTemporaryCardCommand(id, reason, testActor()));
  return { w, revoke };
}

describe('RevokeTemporaryCardHandler', () => {
  it('revokes the certificates made for it (cessationOfOperation), disables its VSC and audits it', async () => {
    const { w, revoke } = setup();
    const t = await w.temporaryCard({ state: 'active' });
    w.certificates.seed({ serial: 'a1', reference: { temporaryCardId: t.id, slot: '9c' } });
    w.certificates.seed({ serial: 'a2', status: 'on-hold', reference: { temporaryCardId: t.id, slot: '9a' } });
    w.certificates.seed({ serial: 'a3', status: 'revoked', reference: { temporaryCardId: t.id, slot: '9e' } });
    // The recovered 9D key keeps the certificate of the card it came from.
    w.certificates.seed({ serial: 'b1', reference: { requestId: 'original', slot: '9d' } });
    const view = await revoke(t.id);
    expect(w.statuses.applied).toEqual(
      ['a1', 'a2'].map((serial) => ({
        serial,
        change: { action: 'revoke', reason: 'cessationOfOperation' },
        comment: `temporary card ${t.id} revoked: the cardholder left`,
      })),
    );
    expect(w.temporary.rows.get(t.id)).toMatchObject({ state: 'revoked', closedAt: w.now, closeReason: 'the cardholder left' });
    expect(w.vscs.vscs.get(t.id)?.state.status).toBe('disabled');
    expect(view).toMatchObject({ state: 'revoked', closeReason: 'the cardholder left' });
    expect(view.certificates.map((c) => c.slot)).toEqual(['9a', '9c', '9e']);
    expect(w.uow.events).toEqual([
      expect.objectContaining({
        action: 'temporary-card.revoked',
        targetId: t.id,
        outcome: 'success',
        details: { reason: 'the cardholder left', cardId: t.cardId, cardholderId: t.cardholderId, certificates: ['a1', 'a2'] },
      }),
    ]);
  });

  it('refuses a card already closed, audited with the state it is in', async () => {
    const { w, revoke } = setup();
    const t = await w.temporaryCard({ state: 'expired' });
    await expect(revoke(t.id)).rejects.toMatchObject({ code: E.WrongState, message: `temporary card ${t.id} is already expired` });
    expect(w.uow.events).toEqual([
      expect.objectContaining({ action: 'temporary-card.revoked', outcome: 'denied', details: { state: 'expired' } }),
    ]);
    expect(w.statuses.applied).toEqual([]);
  });

  it('is NotFound for an unknown card', async () => {
    const { revoke } = setup();
    await expect(revoke('00000000-0000-4000-8000-000000000404')).rejects.toMatchObject({ code: E.NotFound });
  });
});
