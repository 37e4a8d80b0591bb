import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { UnitOfWork } from '../../../platform/infra/unit-of-work';
import { claimantDenial } from '../../attempts/attempt-rules';
import { AttemptsService } from '../../attempts/attempts.service';
import { PERSONALISATION_REPOSITORY, type PersonalisationRepository } from '../../attempts/personalisation.repository';
import { PersonalisationError } from '../../personalisation-errors';
import { ConfirmManagementKeyCommand } from './confirm-management-key.command';

const ACTION = 'card.management-key-set';

/** Records, once, that the card holds its diversified management key (a resumed attempt then starts from it). */
@CommandHandler(ConfirmManagementKeyCommand)
export class ConfirmManagementKeyHandler implements ICommandHandler<ConfirmManagementKeyCommand, { managementKey: 'diversified' }> {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly attempts: AttemptsService,
    @Inject(PERSONALISATION_REPOSITORY) private readonly log: PersonalisationRepository,
  ) {}

  execute(c: ConfirmManagementKeyCommand): Promise<{ managementKey: 'diversified' }> {
    return this.uow.run(c.actor, async (tx) => {
      const claimed = await this.attempts.claimed(tx, c.requestId, c.workerId);
      if (claimed instanceof PersonalisationError) return tx.deny(claimed, claimantDenial(ACTION, c.requestId, c.workerId, claimed));
      if (claimed.attempt.managementKey !== 'diversified') {
        await this.log.update(tx, c.requestId, { managementKey: 'diversified', updatedAt: tx.now });
        tx.audit({
          action: ACTION,
          targetType: 'card',
          targetId: claimed.card.id,
          outcome: 'success',
          details: {
            requestId: c.requestId,
            workerId: c.workerId,
            serial: claimed.card.serial,
            algorithm: claimed.request.profile.managementKey.algorithm,
            diversified: true,
          },
        });
      }
      return { managementKey: 'diversified' as const };
    });
  }
}
