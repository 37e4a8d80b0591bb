import { InMemoryCardRepository } from '../../issuance/cards/in-memory-card.repository';
import { TestUnitOfWork, testActor } from '../../platform/testing/test-unit-of-work';
import { StockErrorCode } from '../stock-errors';
import { stockWorld } from '../testing/stock-world';
import { DestroyStockCardCommand } from './destroy-card.command';
import { DestroyStockCardHandler } from './destroy-card.handler';

describe('DestroyStockCardHandler', () => {
  it('destroys a card in stock or spoiled (audited); refuses a bound or issued card (audited) and an unknown serial', async () => {
    const st = stockWorld();
    await st.seedBatch('acme-1', ['1', '2', '3', '4'], () => Buffer.alloc(24, 3));
    const cards = new InMemoryCardRepository();
    cards.seed({ id: 'k2', serial: '2', state: 'spoiled' });
    cards.seed({ id: 'k3', serial: '3', state: 'personalising' });
    cards.seed({ id: 'k4', serial: '4', state: 'issued' });
    const uow = new TestUnitOfWork();
    const handler = new DestroyStockCardHandler(uow, st.repo, cards);
    const destroy = (serial: string) => handler.execute(new DestroyStockCardCommand(serial, 'shredded', testActor()));
    await expect(destroy('1')).resolves.toEqual({ serial: '1', state: 'destroyed' });
    await expect(destroy('2')).resolves.toEqual({ serial: '2', state: 'destroyed' });
    await expect(destroy('3')).rejects.toMatchObject({ code: StockErrorCode.CardUnavailable, message: expect.stringMatching(/is bound/) });
    await expect(destroy('4')).rejects.toMatchObject({ code: StockErrorCode.CardUnavailable, message: expect.stringMatching(/is issued/) });
    await expect(destroy('9')).rejects.toMatchObject({ code: StockErrorCode.NotFound });
    expect(st.repo.cards.get('1')!.destroyedBy).toBe(testActor().actor);
    expect(uow.events.map((e) => [e.action, e.targetId, e.outcome, e.details?.from ?? e.details?.refusal])).toEqual([
      ['stock.card-destroyed', '1', 'success', 'in-stock'],
      ['stock.card-destroyed', '2', 'success', 'spoiled'],
      ['stock.card-destroyed', '3', 'denied', StockErrorCode.CardUnavailable],
      ['stock.card-destroyed', '4', 'denied', StockErrorCode.CardUnavailable],
    ]);
    // A destroyed card is never taken again.
    const found = await uow.run(testActor(), (tx) => st.service.find(tx, '1'));
    expect(found).toMatchObject({ code: StockErrorCode.CardUnavailable });
  });
});
