import { TestUnitOfWork, testActor } from '../../../platform/testing/test-unit-of-work';
import { CardErrorCode } from '../card-errors';
import { InMemoryCardRepository } from '../in-memory-card.repository';
import { ShowCardHandler } from './show-card.handler';
import { ShowCardQuery } from './show-card.query';

describe('ShowCardHandler', () => {
  it('shows the card and its history with the names clients read (snake_case), oldest line first', async () => {
    const cards = new InMemoryCardRepository();
    const created = new Date('2026-12-01T08:00:00Z');
    cards.seed({
      id: 'k1',
      serial: '00001079',
      state: 'issued',
      cardholderId: 'c1',
      requestId: 'r1',
      vscId: 'v1',
      atr: Buffer.from('3b00', 'hex'),
    });
    const uow = new TestUnitOfWork();
    await uow.run(testActor(), async (tx) => {
      await cards.addHistory(tx, { cardId: 'k1', from: null, to: 'personalising', actor: 'worker:w1', details: { serial: '00001079' } });
      await cards.addHistory(tx, { cardId: 'k2', from: null, to: 'blank', actor: 'user:o', details: {} });
    });
    uow.testClock.advance(60_000);
    await uow.run(testActor(), (tx) =>
      cards.addHistory(tx, { cardId: 'k1', from: 'personalising', to: 'issued', actor: 'worker:w1', details: {} }),
    );
    const view = await new ShowCardHandler(cards).execute(new ShowCardQuery('k1'));
    expect(view).toEqual({
      id: 'k1',
      serial: '00001079',
      state: 'issued',
      cardholder_id: 'c1',
      request_id: 'r1',
      vsc_id: 'v1',
      state_changed_at: created,
      created_at: created,
      history: [
        {
          from_state: null,
          to_state: 'personalising',
          at: new Date('2026-12-01T09:00:00Z'),
          actor: 'worker:w1',
          details: { serial: '00001079' },
        },
        { from_state: 'personalising', to_state: 'issued', at: new Date('2026-12-01T09:01:00Z'), actor: 'worker:w1', details: {} },
      ],
    });
    // The same JSON the API has always answered: no ATR, no stock batch, dates as ISO strings.
    expect(Object.keys(JSON.parse(JSON.stringify(view)))).toEqual([
      'id',
      'serial',
      'state',
      'cardholder_id',
      'request_id',
      'vsc_id',
      'state_changed_at',
      'created_at',
      'history',
    ]);
  });

  it('is NotFound for an unknown card', async () => {
    await expect(new ShowCardHandler(new InMemoryCardRepository()).execute(new ShowCardQuery('nope'))).rejects.toMatchObject({
      code: CardErrorCode.NotFound,
      message: 'no card nope',
    });
  });
});
