import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { X509Certificate } from 'node:crypto';
import { GENERATED_ALGORITHMS, KEY_HISTORY_TAG, type VirtualSmartCard } from '@scm/vsc';
import { type Tx, UnitOfWork } from '../../../platform/infra/unit-of-work';
import { onCardSlots, slotByte, vscGeneratedSlots } from '../../profiles/card-profile';
import { VscEscrowService } from '../../vsc-escrow/vsc-escrow.service';
import { CARD_OBJECT } from '../generate-keys/card-content';
import { IssuanceError, IssuanceErrorCode } from '../issuance-errors';
import { RequestStateMachine, type IssuanceRequest } from '../request-state-machine';
import { KEY_TRANSFER_ALG, type KeyMaterial, wrapForWorker } from '@scm/personalisation';
import { type PersonalisationPackage, ReleaseKeyMaterialCommand } from './release-key-material.command';

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
    private readonly vscs: VscEscrowService,
  ) {}

  execute(c: ReleaseKeyMaterialCommand): Promise<PersonalisationPackage> {
    return this.uow.run(c.actor, async (tx) => {
      const row = await this.states.lock(tx, c.requestId);
      const refused = await claimantProblem(tx, row, c.requestId, c.workerId, 'issuance-request.key-material-released');
      if (refused) return tx.refuse(refused);
      const r = row!;
      const worker = (await tx.em.query(`SELECT kex_key FROM card_worker WHERE id = $1 AND status = 'approved'`, [c.workerId])) as Array<{
        kex_key: Buffer;
      }>;
      if (!worker[0]) return tx.refuse(new IssuanceError(IssuanceErrorCode.NotClaimant, `worker ${c.workerId} is not approved`));
      const v = (await tx.em.query(`SELECT id FROM vsc WHERE request_id = $1`, [r.id])) as Array<{ id: string }>;
      if (!v[0]) throw new IssuanceError(IssuanceErrorCode.NotFound, `request ${r.id} has no VSC`);
      // Invariant 1: only an escrowed version is ever opened for a card.
      const vsc = await this.vscs.openForRecovery(v[0].id, { escrowedOnly: true, tx });
      const material: KeyMaterial = { keys: [] };
      try {
        const imports: Array<[string, { algorithm: string; escrow: string }]> = [...vscGeneratedSlots(r.profile), ...retiredSlotsOf(vsc)];
        for (const [slot, s] of imports) {
          const key = vsc.exportPrivateKeyForIssuance(parseInt(slot, 16), { requestId: r.id });
          material.keys.push({ slot, algorithm: s.algorithm, pkcs8: key.export({ format: 'der', type: 'pkcs8' }) });
        }
        const creds = vsc.cardCredentials();
        if (creds.puk) material.puk = creds.puk;
        const keyMaterial = wrapForWorker(material, worker[0].kex_key, {
          v: 1,
          alg: KEY_TRANSFER_ALG,
          requestId: r.id,
          workerId: c.workerId,
          vscId: vsc.id,
          vscVersion: vsc.version,
        });
        tx.audit({
          action: 'issuance-request.key-material-released',
          targetType: 'issuance-request',
          targetId: r.id,
          outcome: 'success',
          details: { workerId: c.workerId, vscId: vsc.id, vscVersion: vsc.version, slots: imports.map(([s]) => s), puk: !!material.puk },
        });
        return {
          requestId: r.id,
          vscId: vsc.id,
          vscVersion: vsc.version,
          cardUuid: vsc.id,
          profile: { pin: r.profile.pin, puk: r.profile.puk, managementKey: r.profile.managementKey },
          objects: objectsOf(vsc),
          importSlots: imports.map(([slot, s]) => {
            const der = vsc.certificate(parseInt(slot, 16));
            if (!der) throw new Error(`VSC ${vsc.id} has no certificate in slot ${slot}`);
            return {
              slot,
              algorithm: s.algorithm,
              escrow: s.escrow,
              certificate: Buffer.from(der).toString('base64'),
              serial: new X509Certificate(Buffer.from(der)).serialNumber.toLowerCase(),
            };
          }),
          onCardSlots: onCardSlots(r.profile).map(([slot, s]) => {
            const der = vsc.certificate(slotByte(slot));
            return { slot, algorithm: s.algorithm, certificate: der ? Buffer.from(der).toString('base64') : null };
          }),
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

/** The card objects of an issued VSC, base64 (and the Key History of a reissued one). */
export function objectsOf(vsc: VirtualSmartCard): PersonalisationPackage['objects'] {
  const get = (k: keyof typeof CARD_OBJECT): string => {
    const o = vsc.getObject(CARD_OBJECT[k].name);
    if (o?.kind !== 'data') throw new Error(`VSC ${vsc.id} has no ${CARD_OBJECT[k].name}`);
    return Buffer.from(o.value).toString('base64');
  };
  const kh = vsc.listObjects().find((o) => o.kind === 'data' && o.cardTag === KEY_HISTORY_TAG);
  return {
    chuid: get('chuid'),
    ccc: get('ccc'),
    discovery: get('discovery'),
    securityObject: get('securityObject'),
    ...(kh?.kind === 'data' ? { keyHistory: Buffer.from(kh.value).toString('base64') } : {}),
  };
}

/**
 * Recovered key-management keys in retired slots 82–95 (a reissue, issue 8): escrowed, with their
 * private key and old certificate in the VSC; imported into the same slots of the card.
 */
export function retiredSlotsOf(vsc: VirtualSmartCard): Array<[string, { algorithm: string; escrow: string }]> {
  const names = Object.fromEntries(Object.entries(GENERATED_ALGORITHMS).map(([n, id]) => [id, n])) as Record<number, string>;
  const out: Array<[string, { algorithm: string; escrow: string }]> = [];
  for (let slot = 0x82; slot <= 0x95; slot++) {
    const k = vsc.publicKey(slot);
    if (!k || k.escrow !== 'escrow' || !vsc.certificate(slot) || !vsc.hasPrivateKey(slot) || !names[k.algorithm]) continue;
    out.push([slot.toString(16), { algorithm: names[k.algorithm], escrow: k.escrow }]);
  }
  return out;
}

/**
 * Why a worker may not act on a request's card (audited as denied), or undefined: the request
 * must be personalising and claimed by this worker.
 */
export async function claimantProblem(
  tx: Tx,
  row: IssuanceRequest | undefined,
  requestId: string,
  workerId: string,
  action: string,
): Promise<IssuanceError | undefined> {
  let problem: IssuanceError | undefined;
  if (!row) problem = new IssuanceError(IssuanceErrorCode.NotFound, `no issuance request ${requestId}`, { requestId });
  else if (row.state !== 'personalising') {
    problem = new IssuanceError(IssuanceErrorCode.IllegalTransition, `request ${requestId} is ${row.state}, not personalising`, {
      requestId,
      state: row.state,
    });
  } else if (row.workerId !== workerId) {
    problem = new IssuanceError(IssuanceErrorCode.NotClaimant, `request ${requestId} is claimed by another worker`, { requestId });
  }
  if (problem)
    tx.audit({
      action,
      targetType: 'issuance-request',
      targetId: requestId,
      outcome: 'denied',
      details: { workerId, reason: problem.code },
    });
  return problem;
}
