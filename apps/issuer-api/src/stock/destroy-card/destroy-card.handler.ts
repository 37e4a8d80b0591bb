import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { CARD_REPOSITORY, type CardRepository } from '../../issuance/cards/card.repository';
import { UnitOfWork } from '../../platform/infra/unit-of-work';
import { StockError, StockErrorCode } from '../stock-errors';
import { stockState } from '../stock-rules';
import { STOCK_REPOSITORY, type StockRepository } from '../stock.repository';
import { DestroyStockCardCommand } from './destroy-card.command';

/**
 * Records a stock card destroyed (shredded, lost from the safe, failed at the factory). Only a card
 * still in stock or spoiled: a bound card is spoiled first, an issued one follows the card lifecycle.
 */
@CommandHandler(DestroyStockCardCommand)
export class DestroyStockCardHandler implements ICommandHandler<DestroyStockCardCommand, { serial: string; state: 'destroyed' }> {
  constructor(
    private readonly uow: UnitOfWork,
    @Inject(STOCK_REPOSITORY) private readonly stock: StockRepository,
    @Inject(CARD_REPOSITORY) private readonly cards: CardRepository,
  ) {}

  execute(c: DestroyStockCardCommand): Promise<{ serial: string; state: 'destroyed' }> {
    return this.uow.run(c.actor, async (tx) => {
      const card = await this.stock.card(c.serial, tx);
      if (!card) throw new StockError(StockErrorCode.NotFound, `card ${c.serial} is in no stock batch`, { serial: c.serial });
      const state = stockState(await this.cards.bySerial(c.serial, tx), !!card.destroyedAt);
      if (state !== 'in-stock' && state !== 'spoiled')
        return tx.deny(
          new StockError(
            StockErrorCode.CardUnavailable,
            `card ${c.serial} is ${state}: only a card in stock or spoiled is destroyed (spoil a bound card first)`,
            { serial: c.serial, state },
          ),
          { action: 'stock.card-destroyed', targetType: 'stock-card', targetId: c.serial },
        );
      await this.stock.destroy(tx, c.serial, tx.actor.actor);
      tx.audit({
        action: 'stock.card-destroyed',
        targetType: 'stock-card',
        targetId: c.serial,
        outcome: 'success',
        details: { from: state, reason: c.reason },
      });
      return { serial: c.serial, state: 'destroyed' as const };
    });
  }
}
