import { testActor } from '../../../platform/testing/test-unit-of-work';
import { HelpdeskWorld } from '../../testing/help-desk-world';
import { CardReportErrorCode as E } from '../card-report-errors';
import { CardFoundCommand } from './card-found.command';
import { CardFoundHandler } from './card-found.handler';

async function setup(state: 'suspended' | 'lost') {
  const w = new HelpdeskWorld();
  const t = await w.temporaryCard({ state: 'active' });
  const cardId = t.cardId!;
  w.cards.rows.set(cardId, { ...w.cards.rows.get(cardId)!, state });
  const requestId = w.cards.rows.get(cardId)!.requestId!;
  w.certificates.seed({ serial: '01', status: state === 'suspended' ? 'on-hold' : 'revoked', reference: { requestId, slot: '9a' } });
  const report = w.reports.seed({
    id: '00000000-0000-4000-8000-0000000000f1',
    cardId,
    reason: state === 'suspended' ? 'left-at-home' : 'lost',
    cardState: state,
  });
  const handler = new CardFoundHandler(w.uow, w.lifecycle, w.revocation, w.helpdeskCards, w.reports);
  const found = (card = cardId) => handler.execute(new CardFoundCommand(card, 'it was in a coat', testActor()));
  return { w, t, cardId, report, found };
}

describe('CardFoundHandler', () => {
  it('a card left at home is active again (hold lifted), its temporary card revoked, the report closed as found', async () => {
    const { w, t, cardId, report, found } = await setup('suspended');
    const view = await found();
    expect(w.cards.rows.get(cardId)?.state).toBe('active');
    expect(w.statuses.applied.map((a) => [a.serial, a.change.action])).toEqual([['01', 'release']]);
    expect(w.temporary.rows.get(t.id)).toMatchObject({ state: 'revoked', closeReason: 'the card was found' });
    expect(w.reports.rows.get(report.id)).toMatchObject({ state: 'found', closedAt: w.now, closedBy: testActor().actor });
    expect(view).toMatchObject({
      id: report.id,
      state: 'found',
      closedAt: w.now.toISOString(),
      certificates: ['01'],
      temporaryCardsRevoked: [t.id],
    });
    expect(w.uow.events.at(-1)).toMatchObject({
      action: 'card.found',
      targetId: cardId,
      outcome: 'success',
      details: { reportId: report.id, cardState: 'active', released: ['01'], temporaryCardsRevoked: [t.id], comment: 'it was in a coat' },
    });
  });

  it('a lost card stays revoked; its stand-ins are revoked and the report closed all the same', async () => {
    const { w, t, cardId, report, found } = await setup('lost');
    const view = await found();
    expect(w.cards.rows.get(cardId)?.state).toBe('lost');
    expect(w.temporary.rows.get(t.id)?.state).toBe('revoked');
    expect(w.reports.rows.get(report.id)?.state).toBe('found');
    expect(view).toMatchObject({ certificates: [], temporaryCardsRevoked: [t.id] });
    expect(w.uow.events.at(-1)?.details).toMatchObject({ cardState: 'lost', released: [] });
  });

  it('refuses a card that is not reported, and an unknown card (audited)', async () => {
    const { w, cardId, report, found } = await setup('suspended');
    w.reports.rows.set(report.id, { ...report, state: 'closed' });
    await expect(found()).rejects.toMatchObject({ code: E.NotReported });
    await expect(found('NOSUCHCARD')).rejects.toMatchObject({ code: E.NotFound });
    expect(w.uow.events.map((e) => [e.action, e.targetId, e.outcome, e.details])).toEqual([
      ['card.found', cardId, 'denied', { refusal: E.NotReported }],
      ['card.found', 'NOSUCHCARD', 'denied', { refusal: E.NotFound }],
    ]);
    expect(w.cards.rows.get(cardId)?.state).toBe('suspended');
  });
});
