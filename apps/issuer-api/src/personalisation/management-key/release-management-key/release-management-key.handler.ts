import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { MANAGEMENT_KEY_ALGORITHMS } from '@scm/card-secrets';
import type { WrappedKeyMaterial } from '@scm/personalisation';
import { KEY_PACKAGES, type KeyPackages } from '../../../trust/workers/key-package-signer';
import { VSC_REPOSITORY, type VscRepository } from '../../../issuance/vsc-escrow/vsc.repository';
import { UnitOfWork } from '../../../platform/infra/unit-of-work';
import { claimantDenial } from '../../attempts/attempt-rules';
import { AttemptsService } from '../../attempts/attempts.service';
import { WORKER_REPOSITORY, type WorkerRepository } from '../../../trust/workers/worker.repository';
import { CardSecretsService } from '../../card-secrets.service';
import { PersonalisationError, PersonalisationErrorCode } from '../../personalisation-errors';
import { cardIdentity, managementKeyAlgorithm } from '../management-key-rules';
import { ReleaseManagementKeyCommand } from './release-management-key.command';
import { approved } from '../../worker-principal';

const ACTION = 'card.management-key-released';

/**
 * The diversified key wrapped for the claiming worker (X25519 + HKDF + AES-GCM, bound to request
 * and worker), so the worker can send SET MANAGEMENT KEY. Audited; the key is wiped here at once.
 */
@CommandHandler(ReleaseManagementKeyCommand)
export class ReleaseManagementKeyHandler implements ICommandHandler<ReleaseManagementKeyCommand, WrappedKeyMaterial> {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly attempts: AttemptsService,
    @Inject(VSC_REPOSITORY) private readonly vscs: VscRepository,
    @Inject(WORKER_REPOSITORY) private readonly workers: WorkerRepository,
    private readonly secrets: CardSecretsService,
    @Inject(KEY_PACKAGES) private readonly packages: KeyPackages,
  ) {}

  execute(c: ReleaseManagementKeyCommand): Promise<WrappedKeyMaterial> {
    return this.uow.run(c.actor, async (tx) => {
      const claimed = await this.attempts.claimed(tx, c.requestId, c.workerId);
      if (claimed instanceof PersonalisationError) return tx.deny(claimed, claimantDenial(ACTION, c.requestId, c.workerId, claimed));
      const worker = approved(await this.workers.get(c.workerId, tx));
      if (!worker) return tx.refuse(new PersonalisationError(PersonalisationErrorCode.NotClaimant, `worker ${c.workerId} is not approved`));
      const alg = managementKeyAlgorithm(claimed.request);
      const vsc = await this.vscs.ofRequest(claimed.request.id, tx);
      const identity = cardIdentity(claimed.request, claimed.card, vsc);
      const key = await this.secrets.managementKeyForCard(identity, alg);
      try {
        const wrapped = await this.packages.seal(
          { keys: [], managementKey: { algorithm: MANAGEMENT_KEY_ALGORITHMS[alg].piv, key } },
          worker.kexKey,
          {
            requestId: c.requestId,
            workerId: c.workerId,
            vscId: identity.guid,
            vscVersion: vsc!.currentVersion,
            purpose: 'management-key',
            cardSerial: identity.serial,
            now: tx.now,
          },
        );
        tx.audit({
          action: ACTION,
          targetType: 'card',
          targetId: claimed.card.id,
          outcome: 'success',
          details: { requestId: c.requestId, workerId: c.workerId, serial: identity.serial, algorithm: alg },
        });
        return wrapped;
      } finally {
        key.fill(0);
      }
    });
  }
}
