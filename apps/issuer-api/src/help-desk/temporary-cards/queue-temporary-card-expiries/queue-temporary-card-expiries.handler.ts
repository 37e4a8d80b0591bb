import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { UnitOfWork } from '../../../platform/infra/unit-of-work';
import { systemActor } from '../../../trust/auth/principal';
import { TEMPORARY_CARD_REPOSITORY, type TemporaryCardRepository } from '../temporary-card.repository';
import { QueueTemporaryCardExpiriesCommand } from './queue-temporary-card-expiries.command';

const ACTOR = systemActor('temporary-cards');

/** One `expire-temporary-card` job per due card, through the outbox; job ids are deterministic, so each card's is queued once. */
@CommandHandler(QueueTemporaryCardExpiriesCommand)
export class QueueTemporaryCardExpiriesHandler implements ICommandHandler<QueueTemporaryCardExpiriesCommand, number> {
  constructor(
    private readonly uow: UnitOfWork,
    @Inject(TEMPORARY_CARD_REPOSITORY) private readonly temporary: TemporaryCardRepository,
  ) {}

  execute(): Promise<number> {
    return this.uow.run(ACTOR, async (tx) => {
      const due = await this.temporary.dueForExpiry(tx.now, tx);
      for (const temporaryCardId of due) tx.enqueue('expire-temporary-card', { temporaryCardId });
      return due.length;
    });
  }
}
