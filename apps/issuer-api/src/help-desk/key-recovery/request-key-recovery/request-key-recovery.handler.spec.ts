import { testActor } from '../../../platform/testing/test-unit-of-work';
import { HelpdeskWorld } from '../../testing/help-desk-world';
import { KEY_RECOVERY_KIND } from '../key-recovery-approval';
import { KeyRecoveryErrorCode as E } from '../key-recovery-errors';
import { RequestKeyRecoveryCommand } from './request-key-recovery.command';
import { RequestKeyRecoveryHandler } from './request-key-recovery.handler';

const OFFICER = { id: '00000000-0000-4000-8000-0000000000b1', username: 'olga' };

function setup() {
  const w = new HelpdeskWorld();
  const handler = new RequestKeyRecoveryHandler(w.uow, w.approvals, w.helpdeskCards, w.recoveries, w.vscs, w.cfg, w.escrowSource);
  const ask = (target: { card?: string; cardholder?: string }) =>
    handler.execute(new RequestKeyRecoveryCommand(target.card, target.cardholder, 'old mail', OFFICER, testActor(OFFICER.id)));
  return { w, ask };
}

describe('RequestKeyRecoveryHandler', () => {
  it('asks other officers to approve recovering the keys of a card’s cardholder', async () => {
    const { w, ask } = setup();
    const { cardId, holderId } = await w.card('active');
    w.recoveries.cardholders.add(holderId);
    const ticket = await ask({ card: cardId });
    expect(w.requestedApprovals).toEqual([
      {
        kind: KEY_RECOVERY_KIND,
        // exactly the keys it releases: the serials of their certificates
        subject: {
          cardholderId: holderId,
          cardId,
          reason: 'old mail',
          requestedBy: 'olga',
          serials: [expect.stringMatching(/^[0-9a-f]+$/)],
        },
        approverRole: 'security-officer',
        requiredApprovals: 2,
        requestedBy: OFFICER.id,
      },
    ]);
    expect(w.uow.events).toEqual([
      expect.objectContaining({ action: 'approval.requested', targetId: ticket.approvalId }),
      expect.objectContaining({
        action: 'key-recovery.requested',
        targetType: 'cardholder',
        targetId: holderId,
        outcome: 'success',
        details: { approvalId: ticket.approvalId, cardId, reason: 'old mail' },
      }),
    ]);
  });

  it('takes a cardholder directly', async () => {
    const { w, ask } = setup();
    const { holderId } = await w.card('replaced');
    w.recoveries.cardholders.add(holderId);
    await ask({ cardholder: holderId });
    expect(w.requestedApprovals[0].subject).toMatchObject({ cardholderId: holderId, cardId: null });
  });

  it('refuses no target, an unknown card or cardholder, and a cardholder without escrowed keys (audited)', async () => {
    const { w, ask } = setup();
    await expect(ask({})).rejects.toMatchObject({ code: E.Invalid });
    await expect(ask({ card: 'NOSUCHCARD' })).rejects.toMatchObject({ code: E.NotFound });
    await expect(ask({ cardholder: '00000000-0000-4000-8000-000000000404' })).rejects.toMatchObject({ code: E.NotFound });
    const bare = await w.card('active', { escrow: false });
    w.recoveries.cardholders.add(bare.holderId);
    await expect(ask({ cardholder: bare.holderId })).rejects.toMatchObject({ code: E.NoKeys });
    // A VSC whose escrow never committed holds nothing to recover.
    const uncommitted = await w.card('active');
    w.recoveries.cardholders.add(uncommitted.holderId);
    w.vscs.stored.find((v) => v.vscId === uncommitted.vscId)!.escrowedAt = null;
    await expect(ask({ card: uncommitted.cardId })).rejects.toMatchObject({ code: E.NoKeys });
    expect(w.uow.events.map((e) => [e.targetId, e.outcome, e.details?.refusal])).toEqual([
      [null, 'denied', E.Invalid],
      ['NOSUCHCARD', 'denied', E.NotFound],
      ['00000000-0000-4000-8000-000000000404', 'denied', E.NotFound],
      [bare.holderId, 'denied', E.NoKeys],
      [uncommitted.cardId, 'denied', E.NoKeys],
    ]);
    expect(w.requestedApprovals).toEqual([]);
  });
});
