import { Injectable } from '@nestjs/common';
import { type CardIdentity, isManagementKeyAlgorithm, MANAGEMENT_KEY_ALGORITHMS, type ManagementKeyAlgorithmName } from '@scm/card-secrets';
import type { Actor } from '../../trust/auth/principal';
import { KEY_TRANSFER_ALG, type WrappedKeyMaterial, wrapForWorker } from '@scm/personalisation';
import type { IssuanceRequest } from '../../issuance/requests/request-state-machine';
import type { Card } from '../../issuance/cards/card.repository';
import { type Tx, UnitOfWork } from '../../platform/infra/unit-of-work';
import { AttemptsService } from '../attempts.service';
import { CardSecretsService } from '../card-secrets.service';
import { PersonalisationError, PersonalisationErrorCode } from '../personalisation-errors';
import type { CryptogramsView } from '@scm/personalisation';
export type { CryptogramsView } from '@scm/personalisation';

/**
 * The card's diversified management key, for the worker that claimed the card: mutual-
 * authentication cryptograms computed by the HSM (the key stays inside), the key itself wrapped for
 * that worker once, for SET MANAGEMENT KEY, and the confirmation that the card now holds it.
 */
@Injectable()
export class ManagementKeyService {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly attempts: AttemptsService,
    private readonly secrets: CardSecretsService,
  ) {}

  private static algorithmOf(row: IssuanceRequest): ManagementKeyAlgorithmName {
    const a = row.profile.managementKey.algorithm;
    if (!isManagementKeyAlgorithm(a))
      throw new PersonalisationError(PersonalisationErrorCode.Invalid, `profile management-key algorithm ${a} is unknown`);
    return a;
  }

  private async identity(tx: Tx, row: IssuanceRequest, card: Card): Promise<CardIdentity> {
    const v = (await tx.em.query(`SELECT id FROM vsc WHERE request_id = $1`, [row.id])) as Array<{ id: string }>;
    if (!card.serial || !v[0])
      throw new PersonalisationError(PersonalisationErrorCode.NotReady, `request ${row.id} has no card identity yet`);
    return { serial: card.serial, guid: v[0].id };
  }

  /** Mutual authentication, step 2, for the card of a request this worker personalises. */
  cryptograms(requestId: string, workerId: string, encryptedWitness: Buffer, actor: Actor): Promise<CryptogramsView> {
    return this.uow.run(actor, async (tx) => {
      const c = await this.attempts.claimed(tx, requestId, workerId, 'card.management-key-authentication');
      if (c instanceof PersonalisationError) return tx.refuse(c);
      const alg = ManagementKeyService.algorithmOf(c.row);
      if (encryptedWitness.length !== MANAGEMENT_KEY_ALGORITHMS[alg].block) {
        return tx.refuse(
          new PersonalisationError(PersonalisationErrorCode.Invalid, `a ${alg} witness has ${MANAGEMENT_KEY_ALGORITHMS[alg].block} bytes`),
        );
      }
      const r = await this.secrets.cryptograms(await this.identity(tx, c.row, c.card), alg, encryptedWitness);
      return { witness: r.witness.toString('base64'), challenge: r.challenge.toString('base64'), expected: r.expected.toString('base64') };
    });
  }

  /**
   * The diversified key wrapped for the claiming worker (X25519 + HKDF + AES-GCM, bound to request
   * and worker), so the worker can send SET MANAGEMENT KEY. Audited; the key is wiped here at once.
   */
  release(requestId: string, workerId: string, actor: Actor): Promise<WrappedKeyMaterial> {
    return this.uow.run(actor, async (tx) => {
      const c = await this.attempts.claimed(tx, requestId, workerId, 'card.management-key-released');
      if (c instanceof PersonalisationError) return tx.refuse(c);
      const w = (await tx.em.query(`SELECT kex_key FROM card_worker WHERE id = $1 AND status = 'approved'`, [workerId])) as Array<{
        kex_key: Buffer;
      }>;
      if (!w[0]) return tx.refuse(new PersonalisationError(PersonalisationErrorCode.NotClaimant, `worker ${workerId} is not approved`));
      const alg = ManagementKeyService.algorithmOf(c.row);
      const identity = await this.identity(tx, c.row, c.card);
      const version = (
        (await tx.em.query(`SELECT current_version FROM vsc WHERE id = $1`, [identity.guid])) as Array<{ current_version: number }>
      )[0];
      const key = await this.secrets.managementKeyForCard(identity, alg);
      try {
        const wrapped = wrapForWorker({ keys: [], managementKey: { algorithm: MANAGEMENT_KEY_ALGORITHMS[alg].piv, key } }, w[0].kex_key, {
          v: 1,
          alg: KEY_TRANSFER_ALG,
          requestId,
          workerId,
          vscId: identity.guid,
          vscVersion: version.current_version,
        });
        tx.audit({
          action: 'card.management-key-released',
          targetType: 'card',
          targetId: c.card.id,
          outcome: 'success',
          details: { requestId, workerId, serial: identity.serial, algorithm: alg },
        });
        return wrapped;
      } finally {
        key.fill(0);
      }
    });
  }

  /** The worker authenticated with the new key through the HSM: the card holds its diversified key. */
  confirm(requestId: string, workerId: string, actor: Actor): Promise<{ managementKey: 'diversified' }> {
    return this.uow.run(actor, async (tx) => {
      const c = await this.attempts.claimed(tx, requestId, workerId, 'card.management-key-set');
      if (c instanceof PersonalisationError) return tx.refuse(c);
      if (c.attempt.management_key !== 'diversified') {
        await tx.em.query(`UPDATE personalisation SET management_key = 'diversified', updated_at = $2 WHERE request_id = $1`, [
          requestId,
          tx.now,
        ]);
        tx.audit({
          action: 'card.management-key-set',
          targetType: 'card',
          targetId: c.card.id,
          outcome: 'success',
          details: { requestId, workerId, serial: c.card.serial, algorithm: c.row.profile.managementKey.algorithm, diversified: true },
        });
      }
      return { managementKey: 'diversified' };
    });
  }
}
