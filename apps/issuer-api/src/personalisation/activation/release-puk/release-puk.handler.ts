import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { WrappedKeyMaterial } from '@scm/personalisation';
import { KEY_PACKAGES, type KeyPackages } from '../../../trust/workers/key-package-signer';
import { VSC_REPOSITORY, type VscRepository } from '../../../issuance/vsc-escrow/vsc.repository';
import { Refusal, UnitOfWork } from '../../../platform/infra/unit-of-work';
import { CARD_CREDENTIAL_REPOSITORY, type CardCredentialRepository } from '../../card-credential.repository';
import { WORKER_REPOSITORY, type WorkerRepository } from '../../../trust/workers/worker.repository';
import { CardSecretsService } from '../../card-secrets.service';
import { PersonalisationError, PersonalisationErrorCode } from '../../personalisation-errors';
import { ACTIVATION_SESSION_REPOSITORY, type ActivationSessionRepository } from '../activation-session.repository';
import { ActivationService } from '../activation.service';
import { ReleasePukCommand } from './release-puk.command';
import { approved } from '../../worker-principal';

const ACTION = 'card.puk-released';

/**
 * The card's PUK, opened under the HSM and wrapped for the worker serving the session (bound to
 * the card's request and that worker), which from now on is the only worker that serves it.
 */
@CommandHandler(ReleasePukCommand)
export class ReleasePukHandler implements ICommandHandler<ReleasePukCommand, WrappedKeyMaterial> {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly activation: ActivationService,
    @Inject(ACTIVATION_SESSION_REPOSITORY) private readonly sessions: ActivationSessionRepository,
    @Inject(WORKER_REPOSITORY) private readonly workers: WorkerRepository,
    @Inject(CARD_CREDENTIAL_REPOSITORY) private readonly credentials: CardCredentialRepository,
    @Inject(VSC_REPOSITORY) private readonly vscs: VscRepository,
    private readonly secrets: CardSecretsService,
    @Inject(KEY_PACKAGES) private readonly packages: KeyPackages,
  ) {}

  execute(c: ReleasePukCommand): Promise<WrappedKeyMaterial> {
    return this.uow.run(c.actor, async (tx) => {
      const served = await this.activation.served(tx, c.sessionId, c.worker, ACTION);
      if (served instanceof Refusal) return served;
      const { session, card } = served;
      const worker = approved(await this.workers.get(c.worker.id, tx));
      const cred = await this.credentials.get(card.id, tx);
      const vsc = card.requestId ? await this.vscs.ofRequest(card.requestId, tx) : undefined;
      if (!worker || !cred || !vsc || !card.requestId)
        return tx.refuse(new PersonalisationError(PersonalisationErrorCode.NotReady, `card ${card.serial} cannot be activated here`));
      await this.sessions.update(tx, session.id, { workerId: c.worker.id });
      const puk = await this.secrets.openPuk(cred.pukSealed, card.id);
      try {
        const wrapped = await this.packages.seal({ keys: [], puk }, worker.kexKey, {
          requestId: card.requestId,
          workerId: c.worker.id,
          vscId: vsc.id,
          vscVersion: vsc.currentVersion,
          purpose: 'activation-puk',
          cardSerial: card.serial ?? '',
          now: tx.now,
        });
        tx.audit({
          action: ACTION,
          targetType: 'card',
          targetId: card.id,
          outcome: 'success',
          details: { sessionId: session.id, workerId: c.worker.id },
        });
        return wrapped;
      } finally {
        puk.fill(0);
      }
    });
  }
}
