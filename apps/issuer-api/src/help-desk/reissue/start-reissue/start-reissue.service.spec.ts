import { testActor } from '../../../platform/testing/test-unit-of-work';
import { approvalOf, HelpdeskWorld } from '../../testing/help-desk-world';
import { REISSUE_KIND, type ReissueSubject } from '../reissue-approval';
import { ReissueErrorCode as E } from '../reissue-errors';
import { StartReissue } from './start-reissue.service';

const REQUESTER = '00000000-0000-4000-8000-0000000000b1';

async function setup(state = 'lost') {
  const w = new HelpdeskWorld();
  const start = new StartReissue(w.escrowSource, w.escrow, w.issuer.asService(), w.states, w.requests, w.helpdeskCards, w.reissues, w.cfg);
  const { cardId, holderId, vscId } = await w.card(state);
  const subject: ReissueSubject = {
    cardId,
    serial: w.cards.rows.get(cardId)!.serial,
    cardholderId: holderId,
    sourceVscId: vscId!,
    sourceVersion: 1,
    reason: state,
    from: 'any',
  };
  const approval = approvalOf({
    kind: REISSUE_KIND,
    subject,
    approverRole: 'security-officer',
    requiredApprovals: 2,
    requestedBy: REQUESTER,
  });
  const approve = () => w.uow.run(testActor('00000000-0000-4000-8000-0000000000b2'), (tx) => start.execute(tx, approval));
  return { w, subject, approval, approve };
}

describe('StartReissue (the approval executor)', () => {
  it('makes a new request whose new VSC, derived from the escrow, is escrowed and waits for a card in the pool of card jobs', async () => {
    const { w, subject, approval, approve } = await setup();
    const before = new Set(w.requests.rows.keys());
    await approve();
    const request = [...w.requests.rows.values()].find((q) => !before.has(q.id))!;
    expect(request).toMatchObject({
      cardholderId: subject.cardholderId,
      profileId: 'default',
      state: 'awaiting-card',
      createdBy: `user:${REQUESTER}`,
    });
    expect(w.requests.history.map((h) => h.to)).toEqual(['requested', 'keys-generated', 'escrowed', 'awaiting-card']);
    expect(w.requests.history[0].details).toEqual({ reissueOf: subject.cardId, reason: 'lost', approvalId: approval.id });
    const vsc = await w.vscs.ofRequest(request.id);
    expect(vsc).toMatchObject({ kind: 'escrow', parentId: subject.sourceVscId, cardholderId: subject.cardholderId });
    expect(w.vscs.stored.find((v) => v.vscId === vsc!.id)?.escrowedAt).toEqual(w.now);
    expect(w.issuer.plans).toEqual([
      expect.objectContaining({
        mode: 'reissue',
        reference: { requestId: request.id },
        authorisation: approval.id,
        restoreEscrowed: false,
      }),
    ]);
    // Card jobs are leased from PostgreSQL: nothing is queued for a card worker.
    expect(w.uow.jobs).toEqual([]);
    const [reissue] = [...w.reissues.rows.values()];
    expect(reissue).toMatchObject({
      oldCardId: subject.cardId,
      requestId: request.id,
      approvalId: approval.id,
      sourceVscId: subject.sourceVscId,
      sourceVersion: 1,
      state: 'awaiting-card',
      reason: 'lost',
    });
    expect(w.uow.events.at(-1)).toMatchObject({
      action: 'card.reissue-approved',
      targetId: subject.cardId,
      details: { reissueId: reissue.id, requestId: request.id, vscId: vsc!.id, recovered: [{ from: '9d', to: '82', serial: '9d0001' }] },
    });
    expect(w.uow.events.map((e) => e.action)).toEqual([
      'issuance-request.requested',
      'vsc.version-sealed',
      'issuance-request.keys-generated',
      'vsc.escrowed',
      'issuance-request.escrowed',
      'issuance-request.awaiting-card',
      'card.reissue-approved',
    ]);
  });

  it('restores the escrowed keys of a damaged card, never those of a lost or stolen one', async () => {
    const damaged = await setup('damaged');
    await damaged.approve();
    expect(damaged.w.issuer.plans[0].restoreEscrowed).toBe(true);
  });

  it('refuses a card found again, and waits for the cardholder’s open request', async () => {
    const found = await setup();
    found.w.cards.rows.set(found.subject.cardId, { ...found.w.cards.rows.get(found.subject.cardId)!, state: 'active' });
    await expect(found.approve()).rejects.toMatchObject({ code: E.WrongCardState });
    const busy = await setup();
    busy.w.requests.seed({ id: 'q-open', state: 'requested', cardholderId: busy.subject.cardholderId });
    await expect(busy.approve()).rejects.toMatchObject({ code: E.Pending });
    for (const s of [found, busy]) expect(s.w.reissues.rows.size).toBe(0);
  });
});
