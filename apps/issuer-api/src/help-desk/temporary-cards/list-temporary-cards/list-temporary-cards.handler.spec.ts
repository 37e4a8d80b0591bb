import { HelpdeskWorld } from '../../testing/help-desk-world';
import { ListTemporaryCardsHandler } from './list-temporary-cards.handler';
import { ListTemporaryCardsQuery } from './list-temporary-cards.query';

describe('ListTemporaryCardsHandler', () => {
  it('lists newest first, by cardholder, by the reported card (id or serial) and by state', async () => {
    const w = new HelpdeskWorld();
    const a = await w.temporaryCard({ state: 'active' });
    const b = await w.temporaryCard({ state: 'revoked' });
    w.temporary.rows.set(b.id, { ...w.temporary.rows.get(b.id)!, createdAt: new Date('2026-12-01T10:00:00Z') });
    const list = new ListTemporaryCardsHandler(w.temporaryViews, w.uow.testClock);
    const ids = async (f: ListTemporaryCardsQuery['filter']) => (await list.execute(new ListTemporaryCardsQuery(f))).map((v) => v.id);
    expect(await ids({})).toEqual([b.id, a.id]);
    expect(await ids({ cardholderId: a.cardholderId })).toEqual([a.id]);
    expect(await ids({ card: b.cardId! })).toEqual([b.id]);
    expect(await ids({ card: w.cards.rows.get(a.cardId!)!.serial! })).toEqual([a.id]);
    expect(await ids({ state: 'revoked' })).toEqual([b.id]);
    expect(await ids({ card: 'NOSUCHCARD' })).toEqual([]);
  });
});
