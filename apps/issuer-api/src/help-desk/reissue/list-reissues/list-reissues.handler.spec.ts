import { HelpdeskWorld } from '../../testing/help-desk-world';
import { ListReissuesHandler } from './list-reissues.handler';
import { ListReissuesQuery } from './list-reissues.query';

describe('ListReissuesHandler', () => {
  it('lists newest first, of an old card named by id or serial, in a state', async () => {
    const w = new HelpdeskWorld();
    const a = await w.card('lost', { escrow: false, serial: '00001000' });
    const b = await w.card('damaged', { escrow: false, serial: '00001001' });
    for (const [id, card, state, day] of [
      ['r1', a.cardId, 'failed', '01'],
      ['r2', a.cardId, 'awaiting-card', '02'],
      ['r3', b.cardId, 'awaiting-card', '03'],
    ] as const) {
      w.requests.seed({ id: `q-${id}`, state: state === 'failed' ? 'failed' : 'escrowed' });
      w.reissues.seed({ id, oldCardId: card, requestId: `q-${id}`, state, createdAt: new Date(`2026-11-${day}T00:00:00Z`) });
    }
    const list = new ListReissuesHandler(w.reissueRecords);
    const ids = async (f: ListReissuesQuery['filter']) => (await list.execute(new ListReissuesQuery(f))).map((r) => r.id);
    expect(await ids({})).toEqual(['r3', 'r2', 'r1']);
    expect(await ids({ card: a.cardId })).toEqual(['r2', 'r1']);
    expect(await ids({ card: '00001001' })).toEqual(['r3']);
    expect(await ids({ state: 'failed' })).toEqual(['r1']);
    expect(await ids({ card: 'NOSUCHCARD' })).toEqual([]);
    expect((await list.execute(new ListReissuesQuery({ card: '00001000', state: 'failed' })))[0]).toMatchObject({
      oldSerial: '00001000',
      requestState: 'failed',
    });
  });
});
