import { testActor } from '../../../platform/testing/test-unit-of-work';
import { HelpdeskWorld } from '../../testing/help-desk-world';
import { TemporaryCardErrorCode as E } from '../temporary-card-errors';
import { RequestTemporaryCardCommand } from './request-temporary-card.command';
import { RequestTemporaryCardHandler } from './request-temporary-card.handler';

const OFFICER = { id: '00000000-0000-4000-8000-0000000000b1' };

function setup() {
  const w = new HelpdeskWorld();
  const handler = new RequestTemporaryCardHandler(
    w.uow,
    w.approvals,
    w.escrowSource,
    w.standInProfile,
    w.helpdeskCards,
    w.temporary,
    w.workers,
    w.cfg,
  );
  const ask = (card: string, host: string, days?: number) =>
    handler.execute(new RequestTemporaryCardCommand(card, host, days, undefined, OFFICER, testActor(OFFICER.id, 'help-desk')));
  return { w, ask };
}

describe('RequestTemporaryCardHandler', () => {
  it('asks officers to approve a temporary card for a reported card, bound to its escrow, host and lifetime', async () => {
    const { w, ask } = setup();
    const { cardId, holderId, vscId } = await w.card('suspended');
    const host = w.host();
    const ticket = await ask(w.cards.rows.get(cardId)!.serial!, host, 3);
    expect(w.requestedApprovals).toEqual([
      {
        kind: 'temporary-card',
        subject: {
          cardId,
          serial: w.cards.rows.get(cardId)!.serial,
          cardholderId: holderId,
          sourceVscId: vscId,
          sourceVersion: 1,
          hostWorkerId: host,
          days: 3,
          from: 'any',
        },
        approverRole: 'security-officer',
        requiredApprovals: 2,
        requestedBy: OFFICER.id,
      },
    ]);
    expect(ticket).toMatchObject({ kind: 'temporary-card', requiredApprovals: 2, subject: { cardId, days: 3 } });
    expect(w.uow.events).toEqual([
      expect.objectContaining({ action: 'approval.requested', targetId: ticket.approvalId, outcome: 'success' }),
      expect.objectContaining({
        action: 'temporary-card.requested',
        targetId: cardId,
        outcome: 'success',
        details: { approvalId: ticket.approvalId, hostWorkerId: host, days: 3, sourceVsc: vscId, sourceVersion: 1 },
      }),
    ]);
    // Nothing is made before the approvals: no temporary card yet.
    expect(w.temporary.rows.size).toBe(0);
  });

  it('asks for a card rebuilt from the archive (escrow, no issuance request): its temporary card follows the default profile', async () => {
    const { w, ask } = setup();
    const { cardId, vscId } = await w.card('lost', { request: false });
    const host = w.host();
    const ticket = await ask(cardId, host, 2);
    expect(w.requestedApprovals).toEqual([
      expect.objectContaining({ kind: 'temporary-card', subject: expect.objectContaining({ cardId, sourceVscId: vscId }) }),
    ]);
    expect(w.uow.events.at(-1)).toMatchObject({
      action: 'temporary-card.requested',
      outcome: 'success',
      details: { approvalId: ticket.approvalId, profile: 'default (the card has no issuance request)' },
    });
    // And is refused when there is no default profile to follow.
    w.profiles.rows.clear();
    const other = await w.card('lost', { request: false });
    await expect(ask(other.cardId, host)).rejects.toMatchObject({
      code: E.Invalid,
      message: expect.stringContaining('no default card profile'),
    });
  });

  it('takes the configured lifetime when none is given', async () => {
    const { w, ask } = setup();
    const { cardId } = await w.card('lost');
    await ask(cardId, w.host());
    expect(w.requestedApprovals[0].subject).toMatchObject({ days: 7 });
  });

  it.each([
    ['an unknown card', async (w: HelpdeskWorld) => ({ card: 'NOSUCHCARD', host: w.host() }), E.NotFound],
    [
      'an active card (not reported)',
      async (w: HelpdeskWorld) => ({ card: (await w.card('active')).cardId, host: w.host() }),
      E.WrongState,
    ],
    [
      'a card without escrow',
      async (w: HelpdeskWorld) => ({ card: (await w.card('lost', { escrow: false })).cardId, host: w.host() }),
      E.NoEscrow,
    ],
    ['a host not approved', async (w: HelpdeskWorld) => ({ card: (await w.card('lost')).cardId, host: w.host('pending') }), E.Invalid],
    [
      'an unknown host',
      async (w: HelpdeskWorld) => ({ card: (await w.card('lost')).cardId, host: '00000000-0000-4000-8000-00000000dead' }),
      E.Invalid,
    ],
  ])('refuses %s, audited as denied with its code', async (_what, make, code) => {
    const { w, ask } = setup();
    const { card, host } = await make(w);
    await expect(ask(card, host)).rejects.toMatchObject({ code });
    expect(w.uow.events).toEqual([
      expect.objectContaining({ action: 'temporary-card.requested', outcome: 'denied', details: { hostWorkerId: host, refusal: code } }),
    ]);
    expect(w.requestedApprovals).toEqual([]);
  });

  it('refuses a lifetime over the maximum, and a second temporary card for the same cardholder', async () => {
    const { w, ask } = setup();
    const { cardId } = await w.card('lost');
    await expect(ask(cardId, w.host(), 31)).rejects.toMatchObject({ code: E.Invalid, message: 'a temporary card lives 1 to 30 days' });
    const held = await w.temporaryCard();
    const err = await ask(held.cardId!, w.host()).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: E.Exists, meta: { temporaryCardId: held.id } });
    expect(w.uow.events.map((e) => [e.targetId, e.outcome, e.details?.refusal])).toEqual([
      [cardId, 'denied', E.Invalid],
      [held.cardId, 'denied', E.Exists],
    ]);
  });
});
