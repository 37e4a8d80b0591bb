import { Inject, Injectable } from '@nestjs/common';
import { OUTBOX_REPOSITORY, type OutboxRepository } from '../../../platform/outbox/outbox.repository';
import { CaError, CaErrorCode, type IssueCertificateRequest } from '@scm/ca';
import { GENERATED_ALGORITHMS, VirtualSmartCard } from '@scm/vsc';
import { API_CONFIG, type ApiConfig } from '../../../platform/config/api-config';
import type { Clock } from '../../../platform/infra/clock.port';
import { CLOCK } from '../../../platform/infra/tokens';
import { type Tx, UnitOfWork } from '../../../platform/infra/unit-of-work';
import { type Actor, systemActor } from '../../../trust/auth/principal';
import { type Cardholder, CARDHOLDER_REPOSITORY, type CardholderRepository } from '../../cardholders/cardholder.repository';
import { onCardSlots, type ProfileSlot, type SlotPolicy, slotByte, vscGeneratedSlots } from '../../profiles/card-profile';
import { VscEscrowService } from '../../vsc-escrow/vsc-escrow.service';
import { VSC_REPOSITORY, type VscRepository } from '../../vsc-escrow/vsc.repository';
import { IssuanceError } from '../issuance-errors';
import { type IssuanceRequest, REQUEST_REPOSITORY, type RequestRepository } from '../request.repository';
import { RequestStateMachine } from '../request-state-machine';
import type { RequestState } from '../request-state';
import { randomPuk } from './card-content';
import { KEYGEN_AUTHORITY, type KeygenAuthority } from './keygen-authority.port';

const ACTOR: Actor = systemActor('keygen');

/** The states key generation still has work in. */
const PENDING: readonly RequestState[] = ['requested', 'keys-generated', 'escrowed'];

/** What the keygen step did, for tests and logs. */
export type KeygenOutcome = 'generated' | 'resumed' | 'nothing-to-do' | 'superseded';

/**
 * The issuer side of issuance for one request, in three commits, each resumable:
 *  1. requested → keys-generated: keys made on a new VSC for every escrow and regenerate slot
 *     (node:crypto, off the event loop), certificates issued, CHUID and Security Object signed,
 *     a random PUK kept in the password area; the VSC sealed for the recovery path only and
 *     stored (version 1) with its certificates in one transaction.
 *  2. keys-generated → escrowed: the stored copy read back and fully checked through the HSM.
 *  3. escrowed → awaiting-card in the same transaction: the request joins the pool of card jobs (invariant 1).
 * A retried job resumes at the first step not committed; `vsc.request_id` is unique, and each
 * step re-checks the state under a row lock, so a request never gets a second VSC.
 */
@Injectable()
export class GenerateKeysService {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly states: RequestStateMachine,
    @Inject(REQUEST_REPOSITORY) private readonly requests: RequestRepository,
    @Inject(CARDHOLDER_REPOSITORY) private readonly cardholders: CardholderRepository,
    @Inject(VSC_REPOSITORY) private readonly vscs: VscRepository,
    @Inject(OUTBOX_REPOSITORY) private readonly outbox: OutboxRepository,
    private readonly escrows: VscEscrowService,
    @Inject(KEYGEN_AUTHORITY) private readonly authority: KeygenAuthority,
    @Inject(API_CONFIG) private readonly cfg: Pick<ApiConfig, 'SCM_ORGANIZATION'>,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async run(requestId: string, jobId: string): Promise<KeygenOutcome> {
    const row = await this.requests.get(requestId);
    if (!row || !PENDING.includes(row.state)) {
      await this.uow.run(ACTOR, (tx) => this.outbox.finishJobs(tx, [jobId]));
      return 'nothing-to-do';
    }
    const outcome: KeygenOutcome = row.state !== 'requested' ? 'resumed' : (await this.generate(row)) ? 'generated' : 'superseded';
    // Each step checks the state again under its own lock and does nothing when it is done.
    await this.escrow(requestId);
    await this.awaitCard(requestId, jobId);
    return outcome;
  }

  /** Ends a request whose key generation cannot succeed; the failure text is safe to show. */
  async fail(requestId: string, jobId: string, reason: string): Promise<void> {
    await this.uow.run(ACTOR, async (tx) => {
      const row = await this.states.lock(tx, requestId);
      if (row && PENDING.includes(row.state)) await this.step(tx, row, 'failed', { failure: reason.slice(0, 500) });
      await this.outbox.finishJobs(tx, [jobId]);
    });
  }

  /** Step 1. Returns false when another run got there first (its VSC is kept, this one dropped). */
  private async generate(row: IssuanceRequest): Promise<boolean> {
    const profile = row.profile;
    const holder = await this.cardholders.get(row.cardholderId);
    if (!holder) throw new CaError(CaErrorCode.InvalidRequest, `cardholder ${row.cardholderId} is gone`);
    const vsc = await VirtualSmartCard.create(
      { kind: 'escrow', pinTries: profile.pin.tries, pukTries: profile.puk.tries },
      this.escrows.deps(),
    );
    try {
      const slots = vscGeneratedSlots(profile);
      // Every key at once: RSA runs in libuv's thread pool, never on the event loop.
      const keys = await Promise.all(
        slots.map(([slot, s]) => vsc.generateKey(slotByte(slot), GENERATED_ALGORITHMS[s.algorithm], { escrow: s.escrow })),
      );
      vsc.setCardPuk(randomPuk(profile.puk.length));
      const expires = await this.authority.writeCardObjects(vsc, profile.validityDays, this.clock.now());
      return await this.uow.run(ACTOR, async (tx) => {
        const locked = await this.states.lock(tx, row.id);
        if (locked?.state !== 'requested') return false;
        const certs = await this.authority.issue(
          tx,
          slots.map(([slot, s], i) => this.certificateRequest(holder, vsc.id, row.id, slot, s, keys[i].spki, expires)),
        );
        for (const [i, [slot]] of slots.entries()) vsc.putCertificate(certs[i].der, { slot: slotByte(slot) });
        await vsc.seal();
        const v = await this.escrows.storeNew(tx, vsc, { kind: 'escrow', requestId: row.id, cardholderId: holder.id, reason: 'issued' });
        await this.step(tx, locked, 'keys-generated', {
          details: {
            vscId: vsc.id,
            vscVersion: v.version,
            sha256: v.sha256,
            certificates: Object.fromEntries(slots.map(([slot], i) => [slot, certs[i].serial])),
            slots: Object.fromEntries(slots.map(([slot, s]) => [slot, { algorithm: s.algorithm, escrow: s.escrow }])),
            onCard: onCardSlots(profile).map(([slot]) => slot),
          },
        });
        return true;
      });
    } finally {
      vsc.close();
    }
  }

  private certificateRequest(
    holder: Cardholder,
    vscId: string,
    requestId: string,
    slot: ProfileSlot,
    s: SlotPolicy,
    spki: Uint8Array,
    expires: Date,
  ): IssueCertificateRequest {
    return {
      template: s.template,
      publicKey: spki,
      // The card authentication certificate names the card only (its UUID), never the person.
      subject: slot === '9e' ? undefined : { commonName: holder.name, organization: this.cfg.SCM_ORGANIZATION },
      identity: { cardUuid: vscId, upn: holder.upn ?? undefined, email: holder.email ?? undefined },
      validity: { notAfter: expires },
      reference: { requestId, vscId, slot },
    };
  }

  /** Step 2: the escrow commit. */
  private async escrow(requestId: string): Promise<void> {
    await this.uow.run(ACTOR, async (tx) => {
      const row = await this.states.lock(tx, requestId);
      if (row?.state !== 'keys-generated') return;
      const v = await this.vscs.ofRequest(requestId, tx);
      if (!v) throw new Error(`request ${requestId} is keys-generated but has no VSC`);
      const report = await this.escrows.commitEscrow(tx, v.id, v.currentVersion);
      await this.step(tx, row, 'escrowed', { details: { vscId: v.id, vscVersion: report.version, sha256: report.contentHash } });
    });
  }

  /** Step 3: only an escrowed request waits for a card (joins the pool of card jobs), in the transaction that says so. */
  private async awaitCard(requestId: string, jobId: string): Promise<void> {
    await this.uow.run(ACTOR, async (tx) => {
      const row = await this.states.lock(tx, requestId);
      if (row?.state === 'escrowed') {
        // From now the request is in the pool of card jobs the API leases to workers (PostgreSQL holds it).
        await this.step(tx, row, 'awaiting-card', { details: { job: 'card-lease' } });
      }
      await this.outbox.finishJobs(tx, [jobId]);
    });
  }

  /** A transition of a locked request the step expects to be allowed (a refusal here is a bug, not a user error). */
  private async step(
    tx: Tx,
    row: IssuanceRequest,
    to: RequestState,
    opts: Parameters<RequestStateMachine['transition']>[3],
  ): Promise<void> {
    const r = await this.states.transition(tx, row, to, opts);
    if (r instanceof IssuanceError) throw r;
  }
}
