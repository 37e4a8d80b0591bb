import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { KeyMaterial } from '@scm/personalisation';
import { CARD_REPOSITORY, type CardRepository } from '../../issuance/cards/card.repository';
import { KEY_PACKAGES, type KeyPackages } from '../../trust/workers/key-package-signer';
import { vscGeneratedSlots } from '../../issuance/profiles/card-profile';
import { IssuanceError, IssuanceErrorCode } from '../../issuance/requests/issuance-errors';
import { RequestStateMachine } from '../../issuance/requests/request-state-machine';
import { VscEscrowService } from '../../issuance/vsc-escrow/vsc-escrow.service';
import { VSC_REPOSITORY, type VscRepository } from '../../issuance/vsc-escrow/vsc.repository';
import { UnitOfWork } from '../../platform/infra/unit-of-work';
import { claimantDenial, issuanceClaimantProblem } from '../attempts/attempt-rules';
import { WORKER_REPOSITORY, type WorkerRepository } from '../../trust/workers/worker.repository';
import { type ImportSlot, importSlotsOf, objectsOf, onCardSlotsOf, retiredSlotsOf } from './personalisation-package';
import { type PersonalisationPackage, ReleaseKeyMaterialCommand } from './release-key-material.command';
import { approved } from '../worker-principal';

const ACTION = 'issuance-request.key-material-released';

/**
 * Checks that the caller is the approved worker that claimed the request's card and that the
 * request is being personalised, then opens the escrowed VSC through the recovery path and
 * returns the card's objects, its certificates and its key material wrapped for that worker.
 * Every release is audited (never the keys).
 */
@CommandHandler(ReleaseKeyMaterialCommand)
export class ReleaseKeyMaterialHandler implements ICommandHandler<ReleaseKeyMaterialCommand, PersonalisationPackage> {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly states: RequestStateMachine,
    @Inject(VSC_REPOSITORY) private readonly vscRows: VscRepository,
    private readonly vscs: VscEscrowService,
    @Inject(WORKER_REPOSITORY) private readonly workers: WorkerRepository,
    @Inject(CARD_REPOSITORY) private readonly cards: CardRepository,
    @Inject(KEY_PACKAGES) private readonly packages: KeyPackages,
  ) {}

  execute(c: ReleaseKeyMaterialCommand): Promise<PersonalisationPackage> {
    return this.uow.run(c.actor, async (tx) => {
      const row = await this.states.lock(tx, c.requestId);
      const refused = issuanceClaimantProblem(row, c.requestId, c.workerId);
      if (refused) return tx.deny(refused, claimantDenial(ACTION, c.requestId, c.workerId, refused));
      const r = row!;
      const worker = approved(await this.workers.get(c.workerId, tx));
      if (!worker) return tx.refuse(new IssuanceError(IssuanceErrorCode.NotClaimant, `worker ${c.workerId} is not approved`));
      // A package is bound to the card of the request: none for a request without a bound card.
      const card = r.cardId ? await this.cards.get(r.cardId, tx) : undefined;
      if (!card?.serial || card.requestId !== r.id) {
        const e = new IssuanceError(IssuanceErrorCode.NotClaimant, `request ${r.id} is bound to no card`);
        return tx.deny(e, claimantDenial(ACTION, c.requestId, c.workerId, e));
      }
      const stored = await this.vscRows.ofRequest(r.id, tx);
      if (!stored) throw new IssuanceError(IssuanceErrorCode.NotFound, `request ${r.id} has no VSC`);
      // Invariant 1: only an escrowed version is ever opened for a card.
      const vsc = await this.vscs.openForRecovery(stored.id, { escrowedOnly: true, tx });
      const material: KeyMaterial = { keys: [] };
      try {
        const imports: ImportSlot[] = [...vscGeneratedSlots(r.profile), ...retiredSlotsOf(vsc)];
        for (const [slot, s] of imports) {
          const key = vsc.exportPrivateKeyForIssuance(parseInt(slot, 16), { requestId: r.id });
          material.keys.push({ slot, algorithm: s.algorithm, pkcs8: key.export({ format: 'der', type: 'pkcs8' }) });
        }
        const creds = vsc.cardCredentials();
        if (creds.puk) material.puk = creds.puk;
        const keyMaterial = await this.packages.seal(material, worker.kexKey, {
          requestId: r.id,
          workerId: c.workerId,
          vscId: vsc.id,
          vscVersion: vsc.version,
          purpose: 'key-material',
          cardSerial: card.serial,
          now: tx.now,
        });
        tx.audit({
          action: ACTION,
          targetType: 'issuance-request',
          targetId: r.id,
          outcome: 'success',
          details: {
            workerId: c.workerId,
            vscId: vsc.id,
            vscVersion: vsc.version,
            slots: imports.map(([s]) => s),
            puk: !!material.puk,
            serial: card.serial,
            expiresAt: keyMaterial.header.expiresAt,
          },
        });
        return {
          requestId: r.id,
          vscId: vsc.id,
          vscVersion: vsc.version,
          cardUuid: vsc.id,
          profile: { pin: r.profile.pin, puk: r.profile.puk, managementKey: r.profile.managementKey },
          objects: objectsOf(vsc),
          importSlots: importSlotsOf(vsc, imports),
          onCardSlots: onCardSlotsOf(vsc, r.profile),
          keyMaterial,
        };
      } finally {
        for (const k of material.keys) k.pkcs8.fill(0);
        material.puk?.fill(0);
        vsc.close();
      }
    });
  }
}
