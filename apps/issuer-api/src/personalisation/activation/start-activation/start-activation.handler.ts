import { randomUUID } from 'node:crypto';
import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { ActivationView } from '@scm/personalisation';
import { CARD_REPOSITORY, type CardRepository } from '../../../issuance/cards/card.repository';
import { API_CONFIG, type ApiConfig } from '../../../platform/config/api-config';
import { UnitOfWork } from '../../../platform/infra/unit-of-work';
import { dutiesSeparated } from '../../../trust/separation-of-duties';
import { PersonalisationError, PersonalisationErrorCode } from '../../personalisation-errors';
import { WorkerChannel } from '../../../trust/workers/worker-channel';
import { CARD_CREDENTIAL_REPOSITORY, type CardCredentialRepository } from '../../card-credential.repository';
import { WORKER_REPOSITORY, type WorkerRepository } from '../../../trust/workers/worker.repository';
import { ACTIVATION_SESSION_REPOSITORY, type ActivationSessionRepository } from '../activation-session.repository';
import { startRefusal } from '../activation-rules';
import { ActivationService } from '../activation.service';
import { StartActivationCommand } from './start-activation.command';

const ACTION = 'card.activation-started';

/**
 * Opens an activation session for an issued card at one workstation, then tells that
 * workstation's workers (they show the cardholder where to type). That workstation's worker —
 * and only it, while the session is open — gets the card's PUK wrapped for it, sets the PIN the
 * cardholder types there, and reports the outcome. The PIN never reaches the API.
 */
@CommandHandler(StartActivationCommand)
export class StartActivationHandler implements ICommandHandler<StartActivationCommand, ActivationView> {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly activation: ActivationService,
    @Inject(ACTIVATION_SESSION_REPOSITORY) private readonly sessions: ActivationSessionRepository,
    @Inject(CARD_REPOSITORY) private readonly cards: CardRepository,
    @Inject(CARD_CREDENTIAL_REPOSITORY) private readonly credentials: CardCredentialRepository,
    @Inject(WORKER_REPOSITORY) private readonly workers: WorkerRepository,
    private readonly channel: WorkerChannel,
    @Inject(API_CONFIG) private readonly cfg: ApiConfig,
  ) {}

  async execute(c: StartActivationCommand): Promise<ActivationView> {
    const v = await this.uow.run(c.actor, async (tx) => {
      await this.activation.expireOld(tx);
      const card = await this.cards.lockBySerial(tx, c.serial);
      const request = card && dutiesSeparated(this.cfg) ? await this.activation.requestOf(card, tx) : undefined;
      const refused =
        startRefusal(c.serial, card, {
          sealedPuk: !!card && !!(await this.credentials.get(card.id, tx)),
          openSession: !!card && !!(await this.sessions.openOf(card.id, tx)),
        }) ??
        // Separation of duties: the officer who requested the card is not the one who lets a cardholder set its PIN.
        (request?.createdBy === c.actor.actor
          ? new PersonalisationError(
              PersonalisationErrorCode.ActivatorIsRequester,
              'you requested this card, so another officer checks the cardholder and opens its activation (separation of duties)',
            )
          : null);
      if (refused) {
        return tx.deny(refused, {
          action: ACTION,
          targetType: 'card',
          targetId: card?.id ?? c.serial.slice(0, 64),
          details: { serial: c.serial, workstation: c.workstation, reason: refused.code },
        });
      }
      const session = {
        id: randomUUID(),
        cardId: card!.id,
        workstation: c.workstation,
        identityCheck: c.identityCheck,
        state: 'open' as const,
        startedBy: c.actor.actor,
        workerId: null,
        failure: null,
        createdAt: tx.now,
        expiresAt: new Date(tx.now.getTime() + this.cfg.SCM_ACTIVATION_TTL_MINUTES * 60_000),
        closedAt: null,
        purpose: 'activation' as const,
      };
      await this.sessions.insert(tx, session);
      tx.audit({
        action: ACTION,
        targetType: 'card',
        targetId: card!.id,
        outcome: 'success',
        details: { sessionId: session.id, serial: c.serial, workstation: c.workstation, identityCheck: c.identityCheck },
      });
      return this.activation.view(session, tx, card);
    });
    // The keyboard side asks for the session itself; the workstation's workers only show where to type.
    for (const w of await this.workers.approvedAt(v.workstation))
      this.channel.send(w.id, { type: 'activation', sessionId: v.id, serial: v.serial });
    return v;
  }
}
