import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { ActivationView } from '@scm/personalisation';
import { UnitOfWork } from '../../../platform/infra/unit-of-work';
import { PersonalisationError, PersonalisationErrorCode } from '../../personalisation-errors';
import { ACTIVATION_SESSION_REPOSITORY, type ActivationSessionRepository } from '../activation-session.repository';
import { ActivationService } from '../activation.service';
import { CancelActivationCommand } from './cancel-activation.command';

@CommandHandler(CancelActivationCommand)
export class CancelActivationHandler implements ICommandHandler<CancelActivationCommand, ActivationView> {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly activation: ActivationService,
    @Inject(ACTIVATION_SESSION_REPOSITORY) private readonly sessions: ActivationSessionRepository,
  ) {}

  execute(c: CancelActivationCommand): Promise<ActivationView> {
    return this.uow.run(c.actor, async (tx) => {
      const s = await this.sessions.lock(tx, c.sessionId);
      if (!s) return tx.refuse(new PersonalisationError(PersonalisationErrorCode.NotFound, `no activation session ${c.sessionId}`));
      if (s.state !== 'open')
        return tx.refuse(new PersonalisationError(PersonalisationErrorCode.NoActivationSession, `activation ${c.sessionId} is ${s.state}`));
      const closed = { state: 'cancelled' as const, closedAt: tx.now };
      await this.sessions.update(tx, s.id, closed);
      tx.audit({
        action: 'card.activation-cancelled',
        targetType: 'card',
        targetId: s.cardId,
        outcome: 'success',
        details: { sessionId: s.id },
      });
      return this.activation.view({ ...s, ...closed }, tx);
    });
  }
}
