import { testActor } from '../../../platform/testing/test-unit-of-work';
import { HelpdeskWorld } from '../../testing/help-desk-world';
import { CardReportErrorCode as E } from '../card-report-errors';
import { ReportCardCommand } from './report-card.command';
import { ReportCardHandler } from './report-card.handler';

async function setup(state = 'active') {
  const w = new HelpdeskWorld();
  const { cardId, holderId } = await w.card(state, { escrow: false });
  const requestId = w.cards.rows.get(cardId)!.requestId!;
  w.certificates.seed({ serial: '01', reference: { requestId, slot: '9a' } });
  w.certificates.seed({ serial: '02', reference: { requestId, slot: '9d' } });
  const handler = new ReportCardHandler(w.uow, w.lifecycle, w.helpdeskCards, w.reports);
  const report = (reason: 'lost' | 'stolen' | 'damaged' | 'left-at-home', card = cardId, comment?: string) =>
    handler.execute(new ReportCardCommand(card, reason, comment, testActor()));
  return { w, cardId, holderId, report };
}

describe('ReportCardHandler', () => {
  it('reported stolen: the card becomes stolen, its certificates revoked (keyCompromise), the report open', async () => {
    const { w, cardId, holderId, report } = await setup();
    const view = await report('stolen', w.cards.rows.get(cardId)!.serial!, 'taken from a car');
    expect(w.cards.rows.get(cardId)?.state).toBe('stolen');
    expect(w.statuses.applied.map((a) => [a.serial, a.change])).toEqual([
      ['01', { action: 'revoke', reason: 'keyCompromise' }],
      ['02', { action: 'revoke', reason: 'keyCompromise' }],
    ]);
    const [stored] = [...w.reports.rows.values()];
    expect(stored).toMatchObject({
      cardId,
      reason: 'stolen',
      state: 'open',
      cardState: 'stolen',
      comment: 'taken from a car',
      reportedAt: w.now,
    });
    expect(view).toEqual({
      id: stored.id,
      cardId,
      serial: w.cards.rows.get(cardId)!.serial,
      cardholderId: holderId,
      reason: 'stolen',
      state: 'open',
      cardState: 'stolen',
      crlReason: 'keyCompromise',
      comment: 'taken from a car',
      reportedBy: testActor().actor,
      reportedAt: w.now.toISOString(),
      closedAt: null,
      certificates: ['01', '02'],
    });
    expect(w.uow.events.at(-1)).toMatchObject({
      action: 'card.reported',
      targetId: cardId,
      outcome: 'success',
      details: {
        reason: 'stolen',
        reportId: stored.id,
        from: 'active',
        to: 'stolen',
        crlReason: 'keyCompromise',
        certificates: ['01', '02'],
        comment: 'taken from a car',
      },
    });
  });

  it('left at home: suspended, certificates on hold; turning out lost, the second report replaces the first', async () => {
    const { w, cardId, report } = await setup();
    const first = await report('left-at-home');
    expect(w.cards.rows.get(cardId)?.state).toBe('suspended');
    expect(w.statuses.applied.map((a) => a.change.action)).toEqual(['hold', 'hold']);
    const second = await report('lost');
    expect(w.cards.rows.get(cardId)?.state).toBe('lost');
    expect(w.reports.rows.get(first.id)).toMatchObject({ state: 'closed', closedAt: w.now, closedBy: testActor().actor });
    expect(second).toMatchObject({ reason: 'lost', state: 'open', crlReason: 'keyCompromise' });
    expect(w.uow.events.at(-1)?.details).toMatchObject({ replaces: first.id, from: 'suspended', to: 'lost' });
  });

  it('refuses a card already reported, an unknown card, and a card its lifecycle cannot move (audited, nothing changed)', async () => {
    const { w, cardId, report } = await setup();
    const open = await report('lost');
    await expect(report('stolen')).rejects.toMatchObject({ code: E.AlreadyReported, meta: { reportId: open.id, reason: 'lost' } });
    await expect(report('lost', 'NOSUCHCARD')).rejects.toMatchObject({ code: E.NotFound });
    const blank = await w.card('personalising', { escrow: false });
    await expect(report('damaged', blank.cardId)).rejects.toMatchObject({ code: E.WrongCardState, meta: { cardState: 'personalising' } });
    expect(w.cards.rows.get(cardId)?.state).toBe('lost');
    expect(w.cards.rows.get(blank.cardId)?.state).toBe('personalising');
    expect(w.uow.events.filter((e) => e.action === 'card.reported' && e.outcome === 'denied').map((e) => [e.targetId, e.details])).toEqual([
      [cardId, { reason: 'stolen', refusal: E.AlreadyReported }],
      ['NOSUCHCARD', { reason: 'lost', refusal: E.NotFound }],
      [blank.cardId, { reason: 'damaged', refusal: E.WrongCardState }],
    ]);
  });
});
