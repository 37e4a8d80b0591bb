import { HelpdeskWorld } from '../../testing/help-desk-world';
import { ListCardReportsHandler } from './list-card-reports.handler';
import { ListCardReportsQuery } from './list-card-reports.query';

describe('ListCardReportsHandler', () => {
  it('lists reports newest first, of a card named by id or serial, in a state', async () => {
    const w = new HelpdeskWorld();
    const a = await w.card('lost', { escrow: false });
    const b = await w.card('suspended', { escrow: false });
    w.reports.seed({ id: 'r1', cardId: a.cardId, reason: 'left-at-home', state: 'closed', reportedAt: new Date('2026-11-01T00:00:00Z') });
    w.reports.seed({ id: 'r2', cardId: a.cardId, reason: 'lost', reportedAt: new Date('2026-11-02T00:00:00Z') });
    w.reports.seed({
      id: 'r3',
      cardId: b.cardId,
      reason: 'left-at-home',
      cardState: 'suspended',
      reportedAt: new Date('2026-11-03T00:00:00Z'),
    });
    const list = new ListCardReportsHandler(w.helpdeskCards, w.reportRecords);
    const ids = async (card?: string, state?: 'open' | 'closed') =>
      (await list.execute(new ListCardReportsQuery(card, state))).map((r) => r.id);
    expect(await ids()).toEqual(['r3', 'r2', 'r1']);
    expect(await ids(a.cardId)).toEqual(['r2', 'r1']);
    expect(await ids(w.cards.rows.get(b.cardId)!.serial!)).toEqual(['r3']);
    expect(await ids(undefined, 'closed')).toEqual(['r1']);
    expect(await ids('NOSUCHCARD')).toEqual([]);
    const [r3] = await list.execute(new ListCardReportsQuery(b.cardId));
    expect(r3).toMatchObject({
      cardId: b.cardId,
      serial: w.cards.rows.get(b.cardId)!.serial,
      cardholderId: b.holderId,
      crlReason: 'certificateHold',
    });
  });
});
