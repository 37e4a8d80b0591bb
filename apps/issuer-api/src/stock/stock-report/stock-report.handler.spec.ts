import { ListStockBatchesHandler } from '../list-batches/list-batches.handler';
import { ShowStockBatchHandler } from '../show-batch/show-batch.handler';
import { ShowStockBatchQuery } from '../show-batch/show-batch.query';
import { StockErrorCode } from '../stock-errors';
import { stockWorld } from '../testing/stock-world';
import { StockReportHandler } from './stock-report.handler';

async function world() {
  const st = stockWorld();
  const key = () => Buffer.alloc(24, 9);
  await st.seedBatch('acme-1', ['1', '2', '3', '4', '5'], key);
  await st.seedBatch('acme-2', ['6', '7'], key);
  st.repo.cardStates.set('1', { id: 'k1', state: 'issued', requestId: 'r1' });
  st.repo.cardStates.set('2', { id: 'k2', state: 'personalising', requestId: 'r2' });
  st.repo.cardStates.set('3', { id: 'k3', state: 'spoiled', requestId: 'r3' });
  st.repo.cardStates.set('6', { id: 'k6', state: 'active', requestId: 'r6' });
  st.repo.cards.get('7')!.destroyedAt = new Date();
  return st;
}

describe('stock views', () => {
  it('reports the cards of each batch by state, with totals', async () => {
    const st = await world();
    expect(await new StockReportHandler(st.repo).execute()).toEqual({
      batches: [
        { name: 'acme-1', kind: 'manifest', counts: { 'in-stock': 2, bound: 1, issued: 1, spoiled: 1, destroyed: 0 }, total: 5 },
        { name: 'acme-2', kind: 'manifest', counts: { 'in-stock': 0, bound: 0, issued: 1, spoiled: 0, destroyed: 1 }, total: 2 },
      ],
      totals: { 'in-stock': 2, bound: 1, issued: 2, spoiled: 1, destroyed: 1 },
      total: 7,
    });
  });

  it('lists the batches and shows one with each card, never a key', async () => {
    const st = await world();
    const list = await new ListStockBatchesHandler(st.repo).execute();
    expect(list.map((b) => [b.name, b.cards, b.counts['in-stock']])).toEqual([
      ['acme-1', 5, 2],
      ['acme-2', 2, 0],
    ]);
    const show = await new ShowStockBatchHandler(st.repo).execute(new ShowStockBatchQuery('acme-1'));
    expect(show.cardList).toEqual([
      { serial: '1', state: 'issued', cardId: 'k1', requestId: 'r1' },
      { serial: '2', state: 'bound', cardId: 'k2', requestId: 'r2' },
      { serial: '3', state: 'spoiled', cardId: 'k3', requestId: 'r3' },
      { serial: '4', state: 'in-stock', cardId: null, requestId: null },
      { serial: '5', state: 'in-stock', cardId: null, requestId: null },
    ]);
    expect(JSON.stringify(show)).not.toMatch(/WRAPPED|transportKey/);
    await expect(new ShowStockBatchHandler(st.repo).execute(new ShowStockBatchQuery('nope'))).rejects.toMatchObject({
      code: StockErrorCode.NotFound,
    });
  });
});
