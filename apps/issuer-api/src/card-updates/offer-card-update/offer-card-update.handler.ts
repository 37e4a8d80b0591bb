import { randomBytes } from 'node:crypto';
import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { CardUpdateOffer, CardUpdatePlan, KeyMaterial } from '@scm/personalisation';
import { CARD_REPOSITORY, type CardRepository } from '../../issuance/cards/card.repository';
import { REQUEST_REPOSITORY, type RequestRepository } from '../../issuance/requests/request.repository';
import { VscEscrowService } from '../../issuance/vsc-escrow/vsc-escrow.service';
import { VSC_REPOSITORY, type VscRepository } from '../../issuance/vsc-escrow/vsc.repository';
import { randomPuk } from '../../issuance/requests/generate-keys/card-content';
import { CardSecretsService } from '../../personalisation/card-secrets.service';
import { approved } from '../../personalisation/worker-principal';
import { UnitOfWork } from '../../platform/infra/unit-of-work';
import { KEY_PACKAGES, type KeyPackages } from '../../trust/workers/key-package-signer';
import { WORKER_REPOSITORY, type WorkerRepository } from '../../trust/workers/worker.repository';
import { CARD_UPDATE_REPOSITORY, type CardUpdateRepository } from '../card-update.repository';
import { CardUpdateError, CardUpdateErrorCode } from '../card-update-errors';
import { CardUpdatePreparation, type PreparedUpdate } from '../card-update-preparation.service';
import { isUpdatable, proofMessage } from '../card-update-rules';
import { OfferCardUpdateCommand } from './offer-card-update.command';

/** A running update whose worker said nothing for this long may be taken by another worker (the card moved). */
const STALE_MS = 60_000;
const NONE: CardUpdateOffer = { update: null, waiting: [] };
const bare = (guid: string): string => guid.replace(/-/g, '').toLowerCase();

/**
 * A worker presents an issued card. When the card has a pending update (or one an interrupted
 * attempt left running), the update starts (or resumes) on this worker: on its first start the
 * update's VSC version is made and escrowed (CardUpdatePreparation); every start draws a new proof
 * nonce and wraps the keys to import for this worker. A renewal waiting for an officer's approval
 * is named in `waiting`, so the worker says so.
 */
@CommandHandler(OfferCardUpdateCommand)
export class OfferCardUpdateHandler implements ICommandHandler<OfferCardUpdateCommand, CardUpdateOffer> {
  constructor(
    private readonly uow: UnitOfWork,
    @Inject(CARD_UPDATE_REPOSITORY) private readonly updates: CardUpdateRepository,
    @Inject(CARD_REPOSITORY) private readonly cards: CardRepository,
    @Inject(REQUEST_REPOSITORY) private readonly requests: RequestRepository,
    @Inject(WORKER_REPOSITORY) private readonly workers: WorkerRepository,
    @Inject(KEY_PACKAGES) private readonly packages: KeyPackages,
    private readonly vscs: VscEscrowService,
    private readonly preparation: CardUpdatePreparation,
    private readonly secrets: CardSecretsService,
    @Inject(VSC_REPOSITORY) private readonly vscRows: VscRepository,
  ) {}

  execute(c: OfferCardUpdateCommand): Promise<CardUpdateOffer> {
    return this.uow.run(c.actor, async (tx) => {
      const card = await this.cards.lockBySerial(tx, c.serial);
      // A card SCM did not issue, or a lookalike whose CHUID is not its VSC's: nothing for it.
      if (!card?.vscId || !card.requestId || !isUpdatable(card.state)) return NONE;
      if (c.guid && bare(c.guid) !== bare(card.vscId)) return NONE;
      const u = await this.updates.lockOpenOfCard(tx, card.id);
      if (!u) return NONE;
      if (u.state === 'awaiting-approval') {
        tx.audit({
          action: 'card-update.presented',
          targetType: 'card-update',
          targetId: u.id,
          outcome: 'success',
          details: { cardId: card.id, serial: card.serial, state: u.state, workerId: c.workerId },
        });
        return { update: null, waiting: [{ id: u.id, kind: u.kind, state: u.state, reason: u.reason }] };
      }
      if (u.state === 'running' && u.workerId !== c.workerId && tx.now.getTime() - u.updatedAt.getTime() < STALE_MS) return NONE;
      const worker = approved(await this.workers.get(c.workerId, tx));
      if (!worker) return tx.refuse(new CardUpdateError(CardUpdateErrorCode.NotRunner, `worker ${c.workerId} is not approved`));
      const request = await this.requests.get(card.requestId, tx);
      if (!request) throw new Error(`card ${card.id} names request ${card.requestId}, which is gone`);

      let prepared = u.prepared as PreparedUpdate | null;
      let vscVersion = u.vscVersion;
      const resumed = !!prepared;
      // A PUK rotation changes no VSC content: the card keeps its VSC version; the new PUK is
      // drawn, sealed and committed on the update (pending) before the card sees it.
      let pendingPuk: { sealed: Buffer; key: string } | undefined;
      if (u.kind === 'rotate-puk') {
        if (!(await this.updates.lockCardPuk(tx, card.id)))
          return tx.refuse(new CardUpdateError(CardUpdateErrorCode.Invalid, `card ${card.serial} has no PUK under the HSM`));
        vscVersion = (await this.vscRows.get(card.vscId, tx))?.currentVersion ?? null;
        if (!prepared) prepared = { operations: [{ op: 'puk' }], proofs: [], imports: [], supersedes: [], issued: {} };
        if (u.pukSealed && u.pukKey) pendingPuk = { sealed: u.pukSealed, key: u.pukKey };
        else {
          const padded = Buffer.alloc(8, 0xff);
          Buffer.from(randomPuk(request.profile.puk.length), 'latin1').copy(padded);
          try {
            pendingPuk = { sealed: await this.secrets.sealPuk(padded, card.id), key: this.secrets.pukKeyLabel };
          } finally {
            padded.fill(0);
          }
        }
      }
      if (!prepared) ({ prepared, vscVersion } = await this.preparation.prepare(tx, u, request, card.vscId));
      const nonce = randomBytes(32);
      await this.updates.patch(tx, u.id, {
        ...(pendingPuk ? { pukSealed: pendingPuk.sealed, pukKey: pendingPuk.key } : {}),
        state: 'running',
        workerId: c.workerId,
        attempt: u.attempt + 1,
        prepared: prepared as unknown as Record<string, unknown>,
        vscVersion,
        proofNonce: nonce,
      });
      tx.audit({
        action: 'card-update.started',
        targetType: 'card-update',
        targetId: u.id,
        outcome: 'success',
        details: { cardId: card.id, serial: card.serial, kind: u.kind, attempt: u.attempt + 1, resumed, vscVersion, workerId: c.workerId },
      });

      let keyMaterial: CardUpdatePlan['keyMaterial'];
      if (prepared.imports.length) {
        const vsc = await this.vscs.openForRecovery(card.vscId, { version: vscVersion!, escrowedOnly: true, tx });
        const material: KeyMaterial = { keys: [] };
        try {
          for (const slot of prepared.imports) {
            const op = prepared.operations.find((o) => o.op === 'import' && o.slot === slot);
            const key = vsc.exportPrivateKeyForIssuance(parseInt(slot, 16), { requestId: request.id });
            material.keys.push({
              slot,
              algorithm: op && 'algorithm' in op ? op.algorithm : '',
              pkcs8: key.export({ format: 'der', type: 'pkcs8' }),
            });
          }
          keyMaterial = await this.packages.seal(material, worker.kexKey, {
            requestId: u.id,
            workerId: c.workerId,
            vscId: vsc.id,
            vscVersion: vsc.version,
            purpose: 'card-update',
            cardSerial: card.serial!,
            now: tx.now,
          });
        } finally {
          for (const k of material.keys) k.pkcs8.fill(0);
          vsc.close();
        }
        tx.audit({
          action: 'card-update.key-material-released',
          targetType: 'card-update',
          targetId: u.id,
          outcome: 'success',
          details: {
            workerId: c.workerId,
            slots: prepared.imports,
            vscVersion,
            serial: card.serial,
            expiresAt: keyMaterial.header.expiresAt,
          },
        });
      }
      let puk: CardUpdatePlan['puk'];
      if (pendingPuk) {
        const current = (await this.updates.lockCardPuk(tx, card.id))!;
        const binding = {
          requestId: u.id,
          workerId: c.workerId,
          vscId: card.vscId,
          vscVersion: vscVersion ?? 0,
          purpose: 'card-update' as const,
          cardSerial: card.serial!,
          now: tx.now,
        };
        const wrap = async (sealed: Buffer) => {
          const value = await this.secrets.openPuk(sealed, card.id);
          try {
            return await this.packages.seal({ keys: [], puk: value }, worker.kexKey, binding);
          } finally {
            value.fill(0);
          }
        };
        puk = { current: await wrap(current.sealed), next: await wrap(pendingPuk.sealed) };
        tx.audit({
          action: 'card-update.puk-released',
          targetType: 'card-update',
          targetId: u.id,
          outcome: 'success',
          details: { workerId: c.workerId, serial: card.serial, resumed, expiresAt: puk.next.header.expiresAt },
        });
      }
      const plan: CardUpdatePlan = {
        updateId: u.id,
        kind: u.kind,
        attempt: u.attempt + 1,
        cardId: card.id,
        serial: card.serial!,
        vscId: card.vscId,
        vscVersion: vscVersion!,
        managementKeyAlgorithm: request.profile.managementKey.algorithm,
        operations: prepared.operations,
        proofs: prepared.proofs.map((p) => ({
          ...p,
          ...(p.slot === '9e' ? { message: proofMessage(u.id, p.slot, nonce).toString('base64') } : {}),
        })),
        ...(keyMaterial ? { keyMaterial } : {}),
        ...(puk ? { puk } : {}),
      };
      return { update: plan, waiting: [] };
    });
  }
}
