import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { CARD_REPOSITORY, type CardRepository } from '../../issuance/cards/card.repository';
import { UnitOfWork } from '../../platform/infra/unit-of-work';
import { CARD_UPDATE_REPOSITORY, type CardUpdateRepository } from '../card-update.repository';
import { CardUpdateError } from '../card-update-errors';
import { cardUpdateView, type CardUpdateView } from '../card-update-view';
import { runnerDenial, runningOn } from '../running-update';
import { StopCardUpdateCommand } from './stop-card-update.command';

/**
 * An interrupted update goes back to `pending` with what it prepared (its VSC version, its
 * certificates): the next insertion of the card into any approved workstation resumes it. A card
 * that refused a command fails the update (the card keeps what it held: old and new certificates
 * both valid); an officer queues another.
 */
@CommandHandler(StopCardUpdateCommand)
export class StopCardUpdateHandler implements ICommandHandler<StopCardUpdateCommand, CardUpdateView> {
  constructor(
    private readonly uow: UnitOfWork,
    @Inject(CARD_UPDATE_REPOSITORY) private readonly updates: CardUpdateRepository,
    @Inject(CARD_REPOSITORY) private readonly cards: CardRepository,
  ) {}

  execute(c: StopCardUpdateCommand): Promise<CardUpdateView> {
    return this.uow.run(c.actor, async (tx) => {
      const r = await runningOn(tx, { updates: this.updates, cards: this.cards }, c.updateId, c.workerId);
      if (r instanceof CardUpdateError) return tx.deny(r, runnerDenial(`card-update.${c.outcome}`, c.updateId, c.workerId));
      const state = c.outcome === 'interrupted' ? ('pending' as const) : ('failed' as const);
      const patch = state === 'failed' ? { state, failure: c.reason.slice(0, 500), finishedAt: tx.now } : { state };
      await this.updates.patch(tx, r.u.id, patch);
      tx.audit({
        action: `card-update.${c.outcome}`,
        targetType: 'card-update',
        targetId: r.u.id,
        outcome: state === 'failed' ? 'failure' : 'success',
        details: { cardId: r.card.id, serial: r.card.serial, attempt: r.u.attempt, reason: c.reason.slice(0, 300), workerId: c.workerId },
      });
      return cardUpdateView({ ...r.u, ...patch });
    });
  }
}
