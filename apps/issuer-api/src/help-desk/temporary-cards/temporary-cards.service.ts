import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import type { ApprovalRequestEntity } from '@scm/db';
import { DEFAULT_KDF, parseVscFile, unwrapPinSlot, uuidBytes, VirtualSmartCard, type KdfParams } from '@scm/vsc';
import type { Logger } from 'pino';
import { ApprovalsService } from '../../trust/approvals/approvals.service';
import { type Actor, systemActor } from '../../trust/auth/principal';
import { CaService } from '../../pki/ca.service';
import { CertificateStatusService } from '../../pki/certificate-status.service';
import { STAND_IN_STATES } from '../card-reports/card-report';
import { API_CONFIG, type ApiConfig } from '../../platform/config/api-config';
import { type ApprovalTicket, ticketOf } from '../shared/approval-ticket';
import { fillDerivedVsc } from '../shared/derived-vsc';
import { type EscrowFrom, EscrowSource, findCard } from '../shared/escrow-source';
import type { Clock } from '../../platform/infra/clock.port';
import { CLOCK, LOGGER } from '../../platform/infra/tokens';
import { type Tx, UnitOfWork } from '../../platform/infra/unit-of-work';
import { JobConsumers } from '../../platform/jobs/job-consumers';
import { PeriodicWork } from '../../platform/jobs/periodic-work';
import { VscEscrowService } from '../../issuance/vsc-escrow/vsc-escrow.service';
import { TemporaryCardError, TemporaryCardErrorCode } from './temporary-card-errors';

export const TEMPORARY_CARD_KIND = 'temporary-card';
const DAY_MS = 86_400_000;
const E = TemporaryCardErrorCode;
const ACTOR = systemActor('temporary-cards');

export type TemporaryCardState = 'issued' | 'active' | 'revoked' | 'expired';

type Row = {
  id: string;
  cardholder_id: string;
  holder_name: string;
  card_id: string | null;
  serial: string | null;
  source_vsc_id: string;
  source_version: number;
  host_worker_id: string;
  host_name: string;
  host_workstation: number;
  approval_id: string;
  state: TemporaryCardState;
  expires_at: Date;
  pin_tries: number;
  pin_remaining: number;
  requested_by: string;
  created_at: Date;
  activated_at: Date | null;
  activated_by: string | null;
  closed_at: Date | null;
  close_reason: string | null;
  current_version: number;
  label: string;
};

const ROW_SQL = `SELECT t.*, h.name AS holder_name, k.serial, w.name AS host_name, w.workstation AS host_workstation, v.current_version, v.label
  FROM temporary_card t JOIN cardholder h ON h.id = t.cardholder_id JOIN vsc v ON v.id = t.id
  JOIN card_worker w ON w.id = t.host_worker_id LEFT JOIN card k ON k.id = t.card_id`;

export interface TemporaryCardView {
  id: string;
  label: string;
  cardholderId: string;
  cardholder: string;
  cardId: string | null;
  serial: string | null;
  host: { workerId: string; name: string; workstation: number };
  state: TemporaryCardState;
  expiresAt: string;
  pin: { remaining: number; tries: number };
  version: number;
  approvalId: string;
  sourceVsc: { id: string; version: number };
  createdAt: string;
  activatedAt: string | null;
  closedAt: string | null;
  closeReason: string | null;
  certificates: Array<{ slot: string; serial: string; notAfter: string; status: string; fresh: boolean }>;
}

/** What the serving host gets: the sealed content (opening it needs the HSM, through the API) and the state the API keeps. */
export interface HostedTemporaryCard {
  id: string;
  label: string;
  version: number;
  content: string;
  expiresAt: string;
  state: {
    sequence: number;
    status: 'active';
    pin: { remaining: number; total: number };
    puk: { remaining: number; total: number };
    expiresAt: number;
  };
}

type Subject = {
  cardId: string;
  serial: string | null;
  cardholderId: string;
  sourceVscId: string;
  sourceVersion: number;
  hostWorkerId: string;
  days: number;
  from: EscrowFrom;
};

type Worker = { id: string; workstation: number };

/**
 * Temporary cards (design.md, flow 3): after m-of-n approval, a VSC made from a reported card's
 * escrow with fresh authentication and signature keys, certificates that end with it, a new GUID
 * and the recovered key-management keys; the cardholder's PIN is added at activation from an
 * Argon2id output computed on the host (the PIN stays there). One enrolled host serves it; its
 * HSM operations come here, bound to this VSC and refused after expiry or revocation, and its PIN
 * tries are counted here, where the host cannot roll them back.
 */
@Injectable()
export class TemporaryCardsService implements OnModuleInit {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly approvals: ApprovalsService,
    private readonly cas: CaService,
    private readonly vscs: VscEscrowService,
    private readonly escrow: EscrowSource,
    private readonly certificates: CertificateStatusService,
    private readonly jobs: JobConsumers,
    private readonly periodic: PeriodicWork,
    @Inject(API_CONFIG) private readonly cfg: ApiConfig,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(LOGGER) private readonly log: Logger,
  ) {}

  onModuleInit(): void {
    this.approvals.register(TEMPORARY_CARD_KIND, (tx, req) => this.create(tx, req));
    this.jobs.on('expire-temporary-card', TemporaryCardsService.name, async ({ temporaryCardId }) => {
      await this.expire(temporaryCardId);
    });
    this.periodic.every('sweep-temporary-cards', this.cfg.SCM_HELPDESK_SWEEP_SECONDS * 1000, TemporaryCardsService.name, async () => {
      await this.queueExpiries();
    });
  }

  // ---------------------------------------------------------------- request and approval

  /** The help desk asks for a temporary card standing in for a reported card; officers approve it. */
  request(
    input: { card: string; hostWorkerId: string; days?: number; from?: EscrowFrom },
    requester: { id: string },
    actor: Actor,
  ): Promise<ApprovalTicket> {
    return this.uow.run(actor, async (tx) => {
      const deny = (e: TemporaryCardError, cardId?: string) => {
        tx.audit({
          action: 'temporary-card.requested',
          targetType: 'card',
          targetId: cardId ?? input.card.slice(0, 64),
          outcome: 'denied',
          details: { refusal: e.code, hostWorkerId: input.hostWorkerId },
        });
        return tx.refuse(e);
      };
      const card = await findCard(tx.em, input.card, true);
      if (!card) return deny(new TemporaryCardError(E.NotFound, `no card ${input.card}`));
      if (!STAND_IN_STATES.includes(card.state)) {
        return deny(
          new TemporaryCardError(
            E.WrongState,
            `card ${card.serial ?? card.id} is ${card.state}: report it first (lost, stolen, damaged or left at home)`,
            {
              cardState: card.state,
            },
          ),
          card.id,
        );
      }
      const days = input.days ?? this.cfg.SCM_TEMPORARY_CARD_DAYS;
      if (!Number.isInteger(days) || days < 1 || days > this.cfg.SCM_TEMPORARY_CARD_MAX_DAYS)
        return deny(new TemporaryCardError(E.Invalid, `a temporary card lives 1 to ${this.cfg.SCM_TEMPORARY_CARD_MAX_DAYS} days`), card.id);
      const version = card.vsc_id ? await this.escrow.latestEscrowed(tx, card.vsc_id) : undefined;
      if (!card.vsc_id || !version || !card.profile)
        return deny(new TemporaryCardError(E.NoEscrow, `card ${card.serial ?? card.id} has no escrowed VSC`), card.id);
      const hostProblem = await this.hostWorkerProblem(tx, input.hostWorkerId);
      if (hostProblem) return deny(hostProblem, card.id);
      const open = await this.openFor(tx, card.cardholder_id);
      if (open)
        return deny(
          new TemporaryCardError(E.Exists, `the cardholder already holds temporary card ${open}`, { temporaryCardId: open }),
          card.id,
        );
      const subject: Subject = {
        cardId: card.id,
        serial: card.serial,
        cardholderId: card.cardholder_id,
        sourceVscId: card.vsc_id,
        sourceVersion: version,
        hostWorkerId: input.hostWorkerId,
        days,
        from: input.from ?? 'any',
      };
      const a = await this.approvals.request(tx, {
        kind: TEMPORARY_CARD_KIND,
        subject,
        approverRole: 'security-officer',
        requiredApprovals: this.cfg.SCM_HELPDESK_APPROVALS,
        requestedBy: requester.id,
      });
      tx.audit({
        action: 'temporary-card.requested',
        targetType: 'card',
        targetId: card.id,
        outcome: 'success',
        details: { approvalId: a.id, hostWorkerId: input.hostWorkerId, days, sourceVsc: card.vsc_id, sourceVersion: version },
      });
      return ticketOf(a);
    });
  }

  private async hostWorkerProblem(tx: Tx, workerId: string): Promise<TemporaryCardError | undefined> {
    const w = (await tx.em.query(`SELECT status FROM card_worker WHERE id = $1`, [workerId])) as Array<{ status: string }>;
    if (w[0]?.status !== 'approved')
      return new TemporaryCardError(E.Invalid, `worker ${workerId} is not an enrolled, approved host`, { hostWorkerId: workerId });
    return undefined;
  }

  private async openFor(tx: Tx, cardholderId: string): Promise<string | undefined> {
    const r = (await tx.em.query(`SELECT id FROM temporary_card WHERE cardholder_id = $1 AND state IN ('issued', 'active')`, [
      cardholderId,
    ])) as Array<{
      id: string;
    }>;
    return r[0]?.id;
  }

  /** The approval executor: makes the temporary VSC in the approving transaction. */
  private async create(tx: Tx, req: ApprovalRequestEntity): Promise<void> {
    const s = req.subject as Subject;
    const card = await findCard(tx.em, s.cardId, true);
    if (!card || !STAND_IN_STATES.includes(card.state) || !card.profile)
      throw new TemporaryCardError(E.WrongState, `card ${s.serial ?? s.cardId} is ${card?.state ?? 'gone'}: no temporary card`);
    const open = await this.openFor(tx, s.cardholderId);
    if (open) throw new TemporaryCardError(E.Exists, `the cardholder already holds temporary card ${open}`, { temporaryCardId: open });
    const hostProblem = await this.hostWorkerProblem(tx, s.hostWorkerId);
    if (hostProblem) throw hostProblem;
    const src = await this.escrow.open(tx, { vscId: s.sourceVscId, version: s.sourceVersion }, s.from);
    try {
      const [ca, signer] = await Promise.all([this.cas.ca(), this.cas.contentSigner()]);
      const expires = new Date(
        Math.min(tx.now.getTime() + s.days * DAY_MS, ca.certificate.notAfter.getTime(), signer.certificate.notAfter.getTime()),
      );
      const profile = card.profile;
      const tmp = await VirtualSmartCard.create(
        {
          kind: 'temporary',
          parentId: src.vsc.id,
          label: `Temporary card ${card.serial ?? ''}`.trim().slice(0, 64),
          pinTries: profile.pin.tries,
          expiresAt: Math.floor(expires.getTime() / 1000),
        },
        this.vscs.deps(),
      );
      try {
        const made = await this.cas.inTx(tx, () =>
          fillDerivedVsc(
            tmp,
            src.vsc,
            {
              mode: 'temporary',
              kind: 'temporary',
              profile,
              holder: { id: card.cardholder_id, name: card.holder_name, upn: card.upn, email: card.email },
              organization: this.cfg.SCM_ORGANIZATION,
              expires,
              reference: { temporaryCardId: tmp.id },
              authorisation: req.id,
            },
            { ca, signer },
          ),
        );
        await tmp.seal();
        await this.vscs.storeNew(tx, tmp, { kind: 'temporary', cardholderId: card.cardholder_id, reason: 'temporary card from escrow' });
        await tx.em.query(`UPDATE vsc SET parent_id = $2 WHERE id = $1`, [tmp.id, src.vsc.id]);
        await this.vscs.commitEscrow(tx, tmp.id, 1);
        await tx.em.query(
          `INSERT INTO temporary_card (id, cardholder_id, card_id, source_vsc_id, source_version, host_worker_id, approval_id, state, expires_at,
             pin_tries, pin_remaining, requested_by, created_at)
           VALUES ($1,$2,$3,$4,$5,$6,$7,'issued',$8,$9,$9,$10,$11)`,
          [
            tmp.id,
            card.cardholder_id,
            card.id,
            src.vscId,
            src.version,
            s.hostWorkerId,
            req.id,
            expires,
            profile.pin.tries,
            `user:${req.requestedBy}`,
            tx.now,
          ],
        );
        tx.audit({
          action: 'temporary-card.created',
          targetType: 'vsc',
          targetId: tmp.id,
          outcome: 'success',
          details: {
            cardId: card.id,
            cardholderId: card.cardholder_id,
            approvalId: req.id,
            hostWorkerId: s.hostWorkerId,
            expiresAt: expires.toISOString(),
            source: {
              vscId: src.vscId,
              version: src.version,
              from: src.source,
              ...(src.volume !== undefined ? { volume: src.volume } : {}),
            },
            certificates: made.issued,
            recovered: made.recovered,
          },
        });
      } finally {
        tmp.close();
      }
    } finally {
      src.vsc.close();
    }
  }

  // ---------------------------------------------------------------- activation

  /** What the activating terminal needs to stretch the PIN the cardholder types (never the PIN rules' secret). */
  activationParameters(
    id: string,
    actor: Actor,
  ): Promise<{ id: string; kdf: KdfParams; pin: { minLength: number; maxLength: number }; expiresAt: string; state: string }> {
    return this.uow.run(actor, async (tx) => {
      const r = await this.row(tx, id);
      if (!r) return tx.refuse(new TemporaryCardError(E.NotFound, `no temporary card ${id}`));
      const profile = (await tx.em.query(`SELECT q.profile FROM card k JOIN issuance_request q ON q.id = k.request_id WHERE k.id = $1`, [
        r.card_id,
      ])) as Array<{ profile: { pin: { minLength: number; maxLength: number } } }>;
      const content = await this.content(tx, id, r.current_version);
      const kdf = parseVscFile(content).content.header.kdf ?? DEFAULT_KDF;
      return {
        id,
        kdf,
        pin: { minLength: profile[0]?.profile.pin.minLength ?? 6, maxLength: profile[0]?.profile.pin.maxLength ?? 8 },
        expiresAt: r.expires_at.toISOString(),
        state: r.state,
      };
    });
  }

  /**
   * After an identity check the cardholder's PIN becomes the temporary card's: the host sent only
   * the Argon2id output of the padded PIN (and its salt); the KEK HMAC that makes the wrapping key
   * runs in the HSM here. A new sealed, escrowed version; the card is then active until it expires.
   * Activating again (a forgotten or blocked PIN) replaces the PIN.
   */
  activate(id: string, input: { salt: Buffer; kdfOutput: Buffer; identityCheck: string }, actor: Actor): Promise<TemporaryCardView> {
    return this.uow.run(actor, async (tx) => {
      try {
        const r = await this.row(tx, id, true);
        const deny = (e: TemporaryCardError) => {
          tx.audit({
            action: 'temporary-card.activated',
            targetType: 'vsc',
            targetId: id,
            outcome: 'denied',
            details: { refusal: e.code },
          });
          return tx.refuse(e);
        };
        if (!r) return deny(new TemporaryCardError(E.NotFound, `no temporary card ${id}`));
        if (r.state !== 'issued' && r.state !== 'active')
          return deny(new TemporaryCardError(E.WrongState, `temporary card ${id} is ${r.state}`));
        if (r.expires_at <= tx.now)
          return deny(new TemporaryCardError(E.Expired, `temporary card ${id} expired at ${r.expires_at.toISOString()}`));
        if (input.salt.length !== 16 || input.kdfOutput.length !== 32)
          return deny(new TemporaryCardError(E.Invalid, 'activation takes a 16-byte salt and a 32-byte Argon2id output'));
        const vsc = await this.vscs.openForRecovery(id, { escrowedOnly: true, tx });
        let version: number;
        try {
          await vsc.setPinFromKdfOutput(input.salt, input.kdfOutput, vsc.currentHeader.kdf ?? DEFAULT_KDF);
          await vsc.seal();
          version = (await this.vscs.storeNextVersion(tx, vsc, 'cardholder PIN set at activation')).version;
        } finally {
          vsc.close();
        }
        await this.vscs.commitEscrow(tx, id, version);
        await tx.em.query(
          `UPDATE temporary_card SET state = 'active', activated_at = $2, activated_by = $3, pin_remaining = pin_tries WHERE id = $1`,
          [id, tx.now, tx.actor.actor],
        );
        await this.patchState(tx, id, { status: 'active', pin: { remaining: r.pin_tries, total: r.pin_tries } });
        // Activating again replaces a forgotten or blocked PIN: a PIN reset, not a second temporary card.
        tx.audit({
          action: r.state === 'active' ? 'temporary-card.pin-reset' : 'temporary-card.activated',
          targetType: 'vsc',
          targetId: id,
          outcome: 'success',
          details: {
            cardholder: r.holder_name,
            cardholderId: r.cardholder_id,
            expiresAt: r.expires_at.toISOString(),
            cardId: r.card_id,
            hostWorkerId: r.host_worker_id,
            identityCheck: input.identityCheck,
            version,
          },
        });
        return this.view(tx, (await this.row(tx, id))!);
      } finally {
        input.kdfOutput.fill(0);
      }
    });
  }

  // ---------------------------------------------------------------- revocation and expiry

  revoke(id: string, reason: string, actor: Actor): Promise<TemporaryCardView> {
    return this.uow.run(actor, async (tx) => {
      const r = await this.row(tx, id, true);
      if (!r) return tx.refuse(new TemporaryCardError(E.NotFound, `no temporary card ${id}`));
      if (r.state === 'revoked' || r.state === 'expired') {
        tx.audit({ action: 'temporary-card.revoked', targetType: 'vsc', targetId: id, outcome: 'denied', details: { state: r.state } });
        return tx.refuse(new TemporaryCardError(E.WrongState, `temporary card ${id} is already ${r.state}`));
      }
      await this.revokeIn(tx, r, reason);
      return this.view(tx, (await this.row(tx, id))!);
    });
  }

  /** Revokes the temporary cards standing in for a card (it was found); returns their ids. */
  async revokeStandIns(tx: Tx, cardId: string, reason: string): Promise<string[]> {
    const ids = (await tx.em.query(`SELECT id FROM temporary_card WHERE card_id = $1 AND state IN ('issued', 'active') FOR UPDATE`, [
      cardId,
    ])) as Array<{
      id: string;
    }>;
    for (const { id } of ids) await this.revokeIn(tx, (await this.row(tx, id))!, reason);
    return ids.map((r) => r.id);
  }

  private async revokeIn(tx: Tx, r: Row, reason: string): Promise<void> {
    await tx.em.query(`UPDATE temporary_card SET state = 'revoked', closed_at = $2, close_reason = $3 WHERE id = $1`, [
      r.id,
      tx.now,
      reason.slice(0, 300),
    ]);
    // Only the certificates made for it: the recovered 9D keys keep the certificates of the card they came from.
    const certs = (await tx.em.query(
      `SELECT serial FROM ca_certificate WHERE reference->>'temporaryCardId' = $1 AND status IN ('valid', 'on-hold')`,
      [r.id],
    )) as Array<{ serial: string }>;
    for (const c of certs)
      await this.certificates.apply(
        tx,
        c.serial,
        { action: 'revoke', reason: 'cessationOfOperation' },
        `temporary card ${r.id} revoked: ${reason}`,
      );
    await this.patchState(tx, r.id, { status: 'disabled' });
    tx.audit({
      action: 'temporary-card.revoked',
      targetType: 'vsc',
      targetId: r.id,
      outcome: 'success',
      details: { reason: reason.slice(0, 300), cardId: r.card_id, cardholderId: r.cardholder_id, certificates: certs.map((c) => c.serial) },
    });
  }

  /** Queues the expiry of every temporary card past its time (deterministic job ids: once per card). */
  async queueExpiries(): Promise<number> {
    return this.uow.run(ACTOR, async (tx) => {
      const due = (await tx.em.query(`SELECT id FROM temporary_card WHERE state IN ('issued', 'active') AND expires_at <= $1`, [
        tx.now,
      ])) as Array<{
        id: string;
      }>;
      for (const d of due) tx.enqueue('expire-temporary-card', { temporaryCardId: d.id });
      return due.length;
    });
  }

  /** The maintenance job: a temporary card past its expiry becomes expired (it was refused from that instant anyway). */
  async expire(id: string): Promise<boolean> {
    return this.uow.run(ACTOR, async (tx) => {
      const r = await this.row(tx, id, true);
      if (!r || (r.state !== 'issued' && r.state !== 'active') || r.expires_at > tx.now) return false;
      await tx.em.query(`UPDATE temporary_card SET state = 'expired', closed_at = $2, close_reason = 'expired' WHERE id = $1`, [
        id,
        tx.now,
      ]);
      await this.patchState(tx, id, { status: 'disabled' });
      tx.audit({
        action: 'temporary-card.expired',
        targetType: 'vsc',
        targetId: id,
        outcome: 'success',
        details: { cardId: r.card_id, cardholderId: r.cardholder_id, expiresAt: r.expires_at.toISOString() },
      });
      return true;
    });
  }

  // ---------------------------------------------------------------- the serving host

  private hostProblem(r: Row | undefined, id: string, worker: Worker, now: Date): TemporaryCardError | undefined {
    if (!r) return new TemporaryCardError(E.NotFound, `no temporary card ${id}`);
    if (r.host_worker_id !== worker.id) return new TemporaryCardError(E.NotHost, `temporary card ${id} is served by another host`);
    if (r.state === 'revoked') return new TemporaryCardError(E.WrongState, `temporary card ${id} is revoked`, { state: r.state });
    if (r.state === 'expired' || r.expires_at <= now)
      return new TemporaryCardError(E.Expired, `temporary card ${id} expired at ${r.expires_at.toISOString()}`);
    if (r.state !== 'active') return new TemporaryCardError(E.WrongState, `temporary card ${id} is not activated yet`, { state: r.state });
    return undefined;
  }

  /** The sealed content and the state for the host about to serve it. */
  hosted(id: string, worker: Worker, actor: Actor): Promise<HostedTemporaryCard> {
    return this.uow.run(actor, async (tx) => {
      const r = await this.row(tx, id);
      const problem = this.hostProblem(r, id, worker, tx.now);
      if (problem) {
        tx.audit({
          action: 'temporary-card.served',
          targetType: 'vsc',
          targetId: id,
          outcome: 'denied',
          details: { workerId: worker.id, refusal: problem.code },
        });
        return tx.refuse(problem);
      }
      const content = await this.content(tx, id, r!.current_version);
      tx.audit({
        action: 'temporary-card.served',
        targetType: 'vsc',
        targetId: id,
        outcome: 'success',
        details: { workerId: worker.id, version: r!.current_version },
      });
      return {
        id,
        label: r!.label,
        version: r!.current_version,
        content: content.toString('base64'),
        expiresAt: r!.expires_at.toISOString(),
        state: {
          sequence: 1,
          status: 'active',
          pin: { remaining: r!.pin_remaining, total: r!.pin_tries },
          puk: { remaining: 0, total: 0 },
          expiresAt: Math.floor(r!.expires_at.getTime() / 1000),
        },
      };
    });
  }

  /** The host's periodic check: still active and not expired (a read; refusals are the answer). */
  status(
    id: string,
    worker: Worker,
    actor: Actor,
  ): Promise<{ state: TemporaryCardState; expiresAt: string; pinRemaining: number; version: number }> {
    return this.uow.run(actor, async (tx) => {
      const r = await this.row(tx, id);
      const problem = this.hostProblem(r, id, worker, tx.now);
      if (problem) return tx.refuse(problem);
      return { state: r!.state, expiresAt: r!.expires_at.toISOString(), pinRemaining: r!.pin_remaining, version: r!.current_version };
    });
  }

  /**
   * The seal MAC of a sealed version of this temporary card, for the host's consistency check:
   * computed only over content the escrow holds, so the host cannot get any other content sealed.
   */
  sealMac(id: string, worker: Worker, data: Buffer, actor: Actor): Promise<{ mac: string }> {
    return this.uow.run(actor, async (tx) => {
      const r = await this.row(tx, id);
      const problem = this.hostProblem(r, id, worker, tx.now);
      if (problem) return tx.refuse(problem);
      const versions = (await tx.em.query(`SELECT content FROM vsc_version WHERE vsc_id = $1 AND size = $2 AND escrowed_at IS NOT NULL`, [
        id,
        data.length + 34,
      ])) as Array<{ content: Buffer }>;
      const match = versions.find((v) => v.content.subarray(0, data.length).equals(data));
      if (!match) {
        tx.audit({
          action: 'temporary-card.seal-check',
          targetType: 'vsc',
          targetId: id,
          outcome: 'denied',
          details: { workerId: worker.id, bytes: data.length },
        });
        return tx.refuse(new TemporaryCardError(E.Invalid, `not a sealed version of temporary card ${id}`));
      }
      const kek = parseVscFile(match.content).content.header.keys.kek;
      return { mac: (await this.vscs.deps().protector.mac(kek, 'seal', data)).toString('base64') };
    });
  }

  /**
   * The cardholder path's HSM half for one VERIFY on the host: HMAC under the KEK of the Argon2id
   * output the host computed. The API checks the result against the PIN slot of the escrowed
   * version, so it counts wrong PINs itself (saved before answering) and refuses once blocked.
   */
  cardholderKey(
    id: string,
    worker: Worker,
    input: { context: Buffer; kdfOutput: Buffer },
    actor: Actor,
  ): Promise<{ key: string; ok: boolean; remaining: number }> {
    return this.uow.run(actor, async (tx) => {
      try {
        const r = await this.row(tx, id, true);
        const deny = (e: TemporaryCardError) => {
          tx.audit({
            action: 'temporary-card.pin-verify',
            targetType: 'vsc',
            targetId: id,
            outcome: 'denied',
            details: { workerId: worker.id, refusal: e.code },
          });
          return tx.refuse(e);
        };
        const problem = this.hostProblem(r, id, worker, tx.now);
        if (problem) return deny(problem);
        const row = r!;
        // The PIN slot only: a temporary card has no PUK path.
        if (!input.context.equals(Buffer.concat([Buffer.of(0x02), uuidBytes(id)])) || input.kdfOutput.length !== 32)
          return deny(new TemporaryCardError(E.Invalid, 'a cardholder key is derived for this temporary card’s PIN slot only'));
        if (row.pin_remaining <= 0)
          return deny(new TemporaryCardError(E.PinBlocked, `the PIN of temporary card ${id} is blocked; activate it again`));
        const content = parseVscFile(await this.content(tx, id, row.current_version)).content;
        const slot = content.slots.find((s) => s.type === 'pin');
        if (!slot) return deny(new TemporaryCardError(E.WrongState, `temporary card ${id} has no PIN yet`));
        const kw = await this.vscs.deps().protector.deriveCardholderKey(content.header.keys.kek, input.kdfOutput, input.context);
        const cek = unwrapPinSlot(slot, content.header, kw);
        const ok = cek !== undefined;
        cek?.fill(0);
        const remaining = ok ? row.pin_tries : row.pin_remaining - 1;
        if (remaining !== row.pin_remaining) {
          await tx.em.query(`UPDATE temporary_card SET pin_remaining = $2 WHERE id = $1`, [id, remaining]);
          await this.patchState(tx, id, { pin: { remaining, total: row.pin_tries } });
        }
        if (!ok) {
          tx.audit({
            action: 'temporary-card.pin-failed',
            targetType: 'vsc',
            targetId: id,
            outcome: 'failure',
            details: { workerId: worker.id, remaining, blocked: remaining === 0, reason: 'wrong PIN' },
          });
        }
        const key = kw.toString('base64');
        kw.fill(0);
        return { key, ok, remaining };
      } finally {
        input.kdfOutput.fill(0);
      }
    });
  }

  // ---------------------------------------------------------------- views

  get(id: string, actor: Actor): Promise<TemporaryCardView> {
    return this.uow.run(actor, async (tx) => {
      const r = await this.row(tx, id);
      if (!r) return tx.refuse(new TemporaryCardError(E.NotFound, `no temporary card ${id}`));
      return this.view(tx, r);
    });
  }

  list(q: { cardholder?: string; card?: string; state?: string }, actor: Actor): Promise<TemporaryCardView[]> {
    return this.uow.run(actor, async (tx) => {
      const params: unknown[] = [];
      const w: string[] = [];
      if (q.cardholder) w.push(`t.cardholder_id::text = $${params.push(q.cardholder)}`);
      if (q.card) w.push(`(t.card_id::text = $${params.push(q.card)} OR k.serial = $${params.length})`);
      if (q.state) w.push(`t.state = $${params.push(q.state)}`);
      const rows = (await tx.em.query(
        `${ROW_SQL} ${w.length ? `WHERE ${w.join(' AND ')}` : ''} ORDER BY t.created_at DESC LIMIT 200`,
        params,
      )) as Row[];
      return Promise.all(rows.map((r) => this.view(tx, r)));
    });
  }

  private async row(tx: Tx, id: string, lock = false): Promise<Row | undefined> {
    return ((await tx.em.query(`${ROW_SQL} WHERE t.id = $1${lock ? ' FOR UPDATE OF t' : ''}`, [id])) as Row[])[0];
  }

  private async content(tx: Tx, id: string, version: number): Promise<Buffer> {
    const rows = (await tx.em.query(`SELECT content FROM vsc_version WHERE vsc_id = $1 AND version = $2 AND escrowed_at IS NOT NULL`, [
      id,
      version,
    ])) as Array<{
      content: Buffer;
    }>;
    if (!rows[0]) throw new TemporaryCardError(E.NoEscrow, `temporary card ${id} v${version} is not escrowed`);
    return rows[0].content;
  }

  private async patchState(tx: Tx, id: string, patch: Record<string, unknown>): Promise<void> {
    await tx.em.query(`UPDATE vsc SET state = state || $2::jsonb, updated_at = $3 WHERE id = $1`, [id, JSON.stringify(patch), tx.now]);
  }

  private async view(tx: Tx, r: Row): Promise<TemporaryCardView> {
    const certs = (await tx.em.query(
      `SELECT serial, reference->>'slot' AS slot, not_after, status, reference->>'temporaryCardId' AS tmp FROM ca_certificate
        WHERE reference->>'temporaryCardId' = $1 ORDER BY reference->>'slot'`,
      [r.id],
    )) as Array<{ serial: string; slot: string; not_after: Date; status: string; tmp: string }>;
    return {
      id: r.id,
      label: r.label,
      cardholderId: r.cardholder_id,
      cardholder: r.holder_name,
      cardId: r.card_id,
      serial: r.serial,
      host: { workerId: r.host_worker_id, name: r.host_name, workstation: r.host_workstation },
      state: r.expires_at <= tx.now && (r.state === 'active' || r.state === 'issued') ? 'expired' : r.state,
      expiresAt: r.expires_at.toISOString(),
      pin: { remaining: r.pin_remaining, tries: r.pin_tries },
      version: r.current_version,
      approvalId: r.approval_id,
      sourceVsc: { id: r.source_vsc_id, version: r.source_version },
      createdAt: r.created_at.toISOString(),
      activatedAt: r.activated_at?.toISOString() ?? null,
      closedAt: r.closed_at?.toISOString() ?? null,
      closeReason: r.close_reason,
      certificates: certs.map((c) => ({
        slot: c.slot,
        serial: c.serial,
        notAfter: new Date(c.not_after).toISOString(),
        status: c.status,
        fresh: true,
      })),
    };
  }
}
