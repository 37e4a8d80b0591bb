import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { CaError, CaErrorCode, type SubjectName } from '@scm/ca';
import { GENERATED_ALGORITHMS, VirtualSmartCard, VscError, VscErrorCode } from '@scm/vsc';
import type { DataSource } from 'typeorm';
import { type Actor, systemActor } from '../../../trust/auth/principal';
import { CaService } from '../../../pki/ca.service';
import { API_CONFIG, type ApiConfig } from '../../../platform/config/api-config';
import { type Tx, UnitOfWork } from '../../../platform/infra/unit-of-work';
import { onCardSlots, slotByte, vscGeneratedSlots } from '../../profiles/card-profile';
import { VscEscrowService } from '../../vsc-escrow/vsc-escrow.service';
import { IssuanceError } from '../issuance-errors';
import { REQUEST_REPOSITORY, type RequestRepository } from '../request.repository';
import { RequestStateMachine, type IssuanceRequest } from '../request-state-machine';
import { randomPuk, writeCardObjects } from './card-content';

const DAY_MS = 86_400_000;
const ACTOR: Actor = systemActor('keygen');

type Holder = { id: string; name: string; upn: string | null; email: string | null };

/** What the keygen step did, for tests and logs. */
export type KeygenOutcome = 'generated' | 'resumed' | 'nothing-to-do' | 'superseded';

/**
 * The issuer side of issuance for one request, in three commits, each resumable:
 *  1. requested → keys-generated: keys made on a new VSC for every escrow and regenerate slot
 *     (node:crypto, off the event loop), certificates issued, CHUID and Security Object signed,
 *     a random PUK kept in the password area; the VSC sealed for the recovery path only and
 *     stored (version 1) with its certificates in one transaction.
 *  2. keys-generated → escrowed: the stored copy read back and fully checked through the HSM.
 *  3. escrowed → awaiting-card, queueing `personalise-card` in the same transaction (invariant 1).
 * A retried job resumes at the first step not committed; `vsc.request_id` is unique, and each
 * step re-checks the state under a row lock, so a request never gets a second VSC.
 */
@Injectable()
export class GenerateKeysService {
  constructor(
    private readonly uow: UnitOfWork,
    @InjectDataSource() private readonly ds: DataSource,
    private readonly states: RequestStateMachine,
    @Inject(REQUEST_REPOSITORY) private readonly requests: RequestRepository,
    private readonly cas: CaService,
    private readonly vscs: VscEscrowService,
    @Inject(API_CONFIG) private readonly cfg: ApiConfig,
  ) {}

  async run(requestId: string, jobId: string): Promise<KeygenOutcome> {
    const row = await this.read(requestId);
    let outcome: KeygenOutcome = 'resumed';
    if (row?.state === 'requested') outcome = (await this.generate(row)) ? 'generated' : 'superseded';
    // Each step checks the state again under its own lock and does nothing when it is done.
    if (row && ['requested', 'keys-generated', 'escrowed'].includes(row.state)) {
      await this.escrow(requestId);
      await this.queueCard(requestId, jobId);
      return outcome;
    }
    await this.markDone(jobId);
    return 'nothing-to-do';
  }

  /** Ends a request whose key generation cannot succeed; the failure text is safe to show. */
  async fail(requestId: string, jobId: string, reason: string): Promise<void> {
    await this.uow.run(ACTOR, async (tx) => {
      const row = await this.states.lock(tx, requestId);
      if (row && ['requested', 'keys-generated', 'escrowed'].includes(row.state)) {
        const r = await this.states.transition(tx, row, 'failed', { failure: reason.slice(0, 500) });
        if (r instanceof IssuanceError) throw r;
      }
      await this.markDoneIn(tx, jobId);
    });
  }

  private read(requestId: string): Promise<IssuanceRequest | undefined> {
    return this.requests.get(requestId);
  }

  /** Step 1. Returns false when another run got there first (its VSC is kept, this one dropped). */
  private async generate(row: IssuanceRequest): Promise<boolean> {
    const profile = row.profile;
    const holder = await this.holder(row.cardholderId);
    const deps = this.vscs.deps();
    const vsc = await VirtualSmartCard.create({ kind: 'escrow', pinTries: profile.pin.tries, pukTries: profile.puk.tries }, deps);
    try {
      const slots = vscGeneratedSlots(profile);
      // Every key at once: RSA runs in libuv's thread pool, never on the event loop.
      const keys = await Promise.all(
        slots.map(([slot, s]) => vsc.generateKey(slotByte(slot), GENERATED_ALGORITHMS[s.algorithm], { escrow: s.escrow })),
      );
      vsc.setCardPuk(randomPuk(profile.puk.length));
      const signer = await this.cas.contentSigner();
      const ca = await this.cas.ca();
      const now = new Date();
      const expires = new Date(
        Math.min(now.getTime() + profile.validityDays * DAY_MS, ca.certificate.notAfter.getTime(), signer.certificate.notAfter.getTime()),
      );
      await writeCardObjects(vsc, signer, expires);
      return await this.uow.run(ACTOR, async (tx) => {
        const locked = await this.states.lock(tx, row.id);
        if (locked?.state !== 'requested') return false;
        const serials: Record<string, string> = {};
        // The CA signs in the HSM's session lanes in parallel; the rows share the transaction.
        const certs = await this.cas.inTx(tx, () =>
          Promise.all(
            slots.map(([slot, s], i) =>
              ca.issue({
                template: s.template,
                publicKey: keys[i].spki,
                subject: slot === '9e' ? undefined : this.subject(holder),
                identity: { cardUuid: vsc.id, upn: holder.upn ?? undefined, email: holder.email ?? undefined },
                validity: { notAfter: expires },
                reference: { requestId: row.id, vscId: vsc.id, slot },
              }),
            ),
          ),
        );
        for (const [i, [slot]] of slots.entries()) {
          vsc.putCertificate(certs[i].der, { slot: slotByte(slot) });
          serials[slot] = certs[i].serial;
        }
        await vsc.seal();
        const v = await this.vscs.storeNew(tx, vsc, { kind: 'escrow', requestId: row.id, cardholderId: holder.id, reason: 'issued' });
        const r = await this.states.transition(tx, locked, 'keys-generated', {
          details: {
            vscId: vsc.id,
            vscVersion: v.version,
            sha256: v.sha256,
            certificates: serials,
            slots: Object.fromEntries(slots.map(([slot, s]) => [slot, { algorithm: s.algorithm, escrow: s.escrow }])),
            onCard: onCardSlots(profile).map(([slot]) => slot),
          },
        });
        if (r instanceof IssuanceError) throw r;
        return true;
      });
    } finally {
      vsc.close();
    }
  }

  /** Step 2: the escrow commit. */
  private async escrow(requestId: string): Promise<void> {
    await this.uow.run(ACTOR, async (tx) => {
      const row = await this.states.lock(tx, requestId);
      if (row?.state !== 'keys-generated') return;
      const v = (await tx.em.query(`SELECT id, current_version FROM vsc WHERE request_id = $1`, [requestId])) as Array<{
        id: string;
        current_version: number;
      }>;
      if (!v[0]) throw new Error(`request ${requestId} is keys-generated but has no VSC`);
      const report = await this.vscs.commitEscrow(tx, v[0].id, v[0].current_version);
      const r = await this.states.transition(tx, row, 'escrowed', {
        details: { vscId: v[0].id, vscVersion: report.version, sha256: report.contentHash },
      });
      if (r instanceof IssuanceError) throw r;
    });
  }

  /** Step 3: only an escrowed request gets its card job, in the transaction that says so. */
  private async queueCard(requestId: string, jobId: string): Promise<void> {
    await this.uow.run(ACTOR, async (tx) => {
      const row = await this.states.lock(tx, requestId);
      if (row?.state === 'escrowed') {
        const r = await this.states.transition(tx, row, 'awaiting-card', { details: { job: 'personalise-card' } });
        if (r instanceof IssuanceError) throw r;
        tx.enqueue('personalise-card', { requestId });
      }
      await this.markDoneIn(tx, jobId);
    });
  }

  private async markDone(jobId: string): Promise<void> {
    await this.uow.run(ACTOR, (tx) => this.markDoneIn(tx, jobId));
  }

  private async markDoneIn(tx: Tx, jobId: string): Promise<void> {
    await tx.em.query(`UPDATE outbox SET done_at = COALESCE(done_at, $2) WHERE job_id = $1`, [jobId, tx.now]);
  }

  private subject(h: Holder): SubjectName {
    return { commonName: h.name, organization: this.cfg.SCM_ORGANIZATION };
  }

  private async holder(id: string): Promise<Holder> {
    const rows = (await this.ds.query(`SELECT id, name, upn, email FROM cardholder WHERE id = $1`, [id])) as Holder[];
    if (!rows[0]) throw new CaError(CaErrorCode.InvalidRequest, `cardholder ${id} is gone`);
    return rows[0];
  }
}

/** Errors a retry cannot fix: the request fails at once instead of after every attempt. */
export function isPermanent(e: unknown): boolean {
  // A missing HSM key is set-up work (scm vsc init-keys), not a bad request: keep retrying.
  if (e instanceof VscError) return e.code !== VscErrorCode.UnknownKey;
  if (e instanceof CaError) return e.code === CaErrorCode.InvalidRequest || e.code === CaErrorCode.GuidMismatch;
  return false;
}
