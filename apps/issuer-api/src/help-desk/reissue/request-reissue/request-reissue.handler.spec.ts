import { testActor } from '../../../platform/testing/test-unit-of-work';
import { HelpdeskWorld } from '../../testing/help-desk-world';
import { REISSUE_KIND } from '../reissue-approval';
import { ReissueErrorCode as E } from '../reissue-errors';
import { RequestReissueCommand } from './request-reissue.command';
import { RequestReissueHandler } from './request-reissue.handler';

const OFFICER = { id: '00000000-0000-4000-8000-0000000000b1' };

function setup() {
  const w = new HelpdeskWorld();
  const handler = new RequestReissueHandler(w.uow, w.approvals, w.escrowSource, w.helpdeskCards, w.reports, w.reissues, w.requests, w.cfg);
  const ask = (card: string) => handler.execute(new RequestReissueCommand(card, 'escrow', OFFICER, testActor(OFFICER.id, 'help-desk')));
  return { w, ask };
}

describe('RequestReissueHandler', () => {
  it('asks officers to approve a reissue of a reported card from its escrow, for the reason reported', async () => {
    const { w, ask } = setup();
    const { cardId, holderId, vscId } = await w.card('lost');
    w.reports.seed({ id: 'r1', cardId, reason: 'lost' });
    const ticket = await ask(cardId);
    expect(w.requestedApprovals).toEqual([
      {
        kind: REISSUE_KIND,
        subject: {
          cardId,
          serial: w.cards.rows.get(cardId)!.serial,
          cardholderId: holderId,
          sourceVscId: vscId,
          sourceVersion: 1,
          reason: 'lost',
          from: 'escrow',
        },
        approverRole: 'security-officer',
        requiredApprovals: 2,
        requestedBy: OFFICER.id,
      },
    ]);
    expect(w.uow.events).toEqual([
      expect.objectContaining({ action: 'approval.requested', targetId: ticket.approvalId }),
      expect.objectContaining({
        action: 'card.reissue-requested',
        targetId: cardId,
        outcome: 'success',
        details: { reason: 'lost', approvalId: ticket.approvalId, sourceVsc: vscId, sourceVersion: 1 },
      }),
    ]);
  });

  it('takes the card’s state as the reason when no report is open', async () => {
    const { w, ask } = setup();
    const { cardId } = await w.card('damaged');
    await ask(cardId);
    expect(w.requestedApprovals[0].subject).toMatchObject({ reason: 'damaged' });
  });

  it('refuses an unknown card, a card not gone for good, and one without escrow', async () => {
    const { w, ask } = setup();
    await expect(ask('NOSUCHCARD')).rejects.toMatchObject({ code: E.NotFound });
    const suspended = await w.card('suspended');
    await expect(ask(suspended.cardId)).rejects.toMatchObject({ code: E.WrongCardState, meta: { cardState: 'suspended' } });
    const bare = await w.card('stolen', { escrow: false });
    await expect(ask(bare.cardId)).rejects.toMatchObject({ code: E.NoEscrow });
    expect(w.uow.events.map((e) => [e.targetId, e.outcome, e.details])).toEqual([
      ['NOSUCHCARD', 'denied', { refusal: E.NotFound }],
      [suspended.cardId, 'denied', { refusal: E.WrongCardState }],
      [bare.cardId, 'denied', { refusal: E.NoEscrow }],
    ]);
    expect(w.requestedApprovals).toEqual([]);
  });

  it('refuses while a reissue is pending approval or awaiting its card, or the cardholder has an open request', async () => {
    const { w, ask } = setup();
    const pending = await w.card('lost');
    const approval = w.approvalRepo.seed({
      id: '00000000-0000-4000-8000-0000000000a7',
      kind: REISSUE_KIND,
      subject: { cardId: pending.cardId },
    });
    await expect(ask(pending.cardId)).rejects.toMatchObject({ code: E.Pending, meta: { approvalId: approval.id } });
    // An approval that expired, or was decided, no longer blocks.
    w.approvalRepo.seed({ ...approval, expiresAt: w.now });
    await expect(ask(pending.cardId)).resolves.toMatchObject({ kind: REISSUE_KIND });
    w.approvalRepo.requests.clear();
    w.approvalRepo.seed({ ...approval, status: 'rejected' });
    await expect(ask(pending.cardId)).resolves.toMatchObject({ kind: REISSUE_KIND });

    const running = await w.card('lost');
    w.reissues.seed({ id: 'r-running', oldCardId: running.cardId, requestId: 'q-running' });
    await expect(ask(running.cardId)).rejects.toMatchObject({ code: E.Pending, meta: { reissueId: 'r-running' } });

    const busy = await w.card('damaged');
    w.requests.seed({ id: 'q-open', state: 'escrowed', cardholderId: busy.holderId });
    await expect(ask(busy.cardId)).rejects.toMatchObject({ code: E.Pending, meta: { requestId: 'q-open' } });
  });
});
