import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { ActivationView } from '@scm/personalisation';
import { CARD_REPOSITORY, type CardRepository } from '../../../issuance/cards/card.repository';
import { UnitOfWork } from '../../../platform/infra/unit-of-work';
import { PersonalisationError, PersonalisationErrorCode } from '../../personalisation-errors';
import { ACTIVATION_SESSION_REPOSITORY, type ActivationSessionRepository } from '../activation-session.repository';
import { ActivationService } from '../activation.service';
import { PromptActivationCommand } from './prompt-activation.command';

/** The open session of a card at the calling worker's workstation; a worker asking for any other is audited as denied. */
@CommandHandler(PromptActivationCommand)
export class PromptActivationHandler implements ICommandHandler<PromptActivationCommand, ActivationView> {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly activation: ActivationService,
    @Inject(ACTIVATION_SESSION_REPOSITORY) private readonly sessions: ActivationSessionRepository,
    @Inject(CARD_REPOSITORY) private readonly cards: CardRepository,
  ) {}

  execute(c: PromptActivationCommand): Promise<ActivationView> {
    return this.uow.run(c.actor, async (tx) => {
      await this.activation.expireOld(tx);
      const card = await this.cards.bySerial(c.serial, tx);
      const open = card && (await this.sessions.openOf(card.id, tx));
      if (!open || open.workstation !== c.worker.workstation) {
        const e = new PersonalisationError(
          PersonalisationErrorCode.NoActivationSession,
          `no open activation of card ${c.serial} at workstation ${c.worker.workstation}`,
          { serial: c.serial },
        );
        return tx.deny(e, {
          action: 'card.activation-prompt',
          targetType: 'card',
          targetId: c.serial.slice(0, 64),
          details: { serial: c.serial, workerId: c.worker.id },
        });
      }
      return this.activation.view(open, tx, card);
    });
  }
}
