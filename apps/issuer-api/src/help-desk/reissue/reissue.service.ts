import { randomUUID } from 'node:crypto';
import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import type { ApprovalRequestEntity } from '@scm/db';
import { VirtualSmartCard } from '@scm/vsc';
import type { Logger } from 'pino';
import { ApprovalsService } from '../../trust/approvals/approvals.service';
import { type Actor, systemActor } from '../../trust/auth/principal';
import { CaService } from '../../pki/ca.service';
import { REPLACEABLE_STATES } from '../card-reports/card-report';
import { CardError } from '../../issuance/cards/card-errors';
import { CardLifecycleService } from '../../issuance/cards/card-lifecycle.service';
import { API_CONFIG, type ApiConfig } from '../../platform/config/api-config';
import { type ApprovalTicket, ticketOf } from '../shared/approval-ticket';
import { fillDerivedVsc } from '../shared/derived-vsc';
import { type EscrowFrom, EscrowSource, findCard } from '../shared/escrow-source';
import { LOGGER } from '../../platform/infra/tokens';
import { PeriodicWork } from '../../platform/jobs/periodic-work';
import { type Tx, UnitOfWork } from '../../platform/infra/unit-of-work';
import { IssuanceError } from '../../issuance/requests/issuance-errors';
import { RequestStateMachine, type IssuanceRequest } from '../../issuance/requests/request-state-machine';
import { TemporaryCardsService } from '../temporary-cards/temporary-cards.service';
import { VscEscrowService } from '../../issuance/vsc-escrow/vsc-escrow.service';
import { ReissueError, ReissueErrorCode } from './reissue-errors';

export const REISSUE_KIND = 'reissue';
const DAY_MS = 86_400_000;
const E = ReissueErrorCode;
const ACTOR = systemActor('reissue');

type Subject = {
  cardId: string;
  serial: string | null;
  cardholderId: string;
  sourceVscId: string;
  sourceVersion: number;
  reason: string;
  from: EscrowFrom;
};

export interface ReissueView {
  id: string;
  oldCardId: string;
  oldSerial: string | null;
  cardholderId: string;
  reason: string;
  state: 'awaiting-card' | 'completed' | 'failed';
  requestId: string;
  requestState: string;
  vscId: string | null;
  newCardId: string | null;
  newSerial: string | null;
  approvalId: string;
  sourceVsc: { id: string; version: number };
  createdAt: string;
  closedAt: string | null;
}

type Row = {
  id: string;
  old_card_id: string;
  old_serial: string | null;
  cardholder_id: string;
  reason: string;
  state: ReissueView['state'];
  request_id: string;
  request_state: string;
  vsc_id: string | null;
  new_card_id: string | null;
  new_serial: string | null;
  approval_id: string;
  source_vsc_id: string;
  source_version: number;
  created_at: Date;
  closed_at: Date | null;
};

const ROW_SQL = `SELECT r.*, o.serial AS old_serial, q.state AS request_state, v.id AS vsc_id, q.card_id AS new_card_id, n.serial AS new_serial
  FROM reissue r JOIN card o ON o.id = r.old_card_id JOIN issuance_request q ON q.id = r.request_id
  LEFT JOIN vsc v ON v.request_id = r.request_id LEFT JOIN card n ON n.id = q.card_id`;

const view = (r: Row): ReissueView => ({
  id: r.id,
  oldCardId: r.old_card_id,
  oldSerial: r.old_serial,
  cardholderId: r.cardholder_id,
  reason: r.reason,
  state: r.state,
  requestId: r.request_id,
  requestState: r.request_state,
  vscId: r.vsc_id,
  newCardId: r.new_card_id,
  newSerial: r.new_serial,
  approvalId: r.approval_id,
  sourceVsc: { id: r.source_vsc_id, version: r.source_version },
  createdAt: r.created_at.toISOString(),
  closedAt: r.closed_at?.toISOString() ?? null,
});

/**
 * Reissue (design.md, flow 3): after m-of-n approval, a new issuance request for the cardholder
 * whose VSC — a new one, with a new GUID — is made from the old card's escrow: new keys for the
 * profile's slots (on-card slots are made by the new card), the current and earlier key-management
 * keys recovered into retired slots 82, 83, … with a Key History object, the same data objects.
 * The request then goes the ordinary way (escrowed → awaiting-card → a card worker personalises a
 * blank card); once the new card is issued, the old card becomes `replaced` and temporary cards
 * standing in for it are revoked.
 */
@Injectable()
export class ReissueService implements OnModuleInit {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly approvals: ApprovalsService,
    private readonly cas: CaService,
    private readonly vscs: VscEscrowService,
    private readonly escrow: EscrowSource,
    private readonly states: RequestStateMachine,
    private readonly cards: CardLifecycleService,
    private readonly temporary: TemporaryCardsService,
    @Inject(API_CONFIG) private readonly cfg: ApiConfig,
    private readonly periodic: PeriodicWork,
    @Inject(LOGGER) private readonly log: Logger,
  ) {}

  onModuleInit(): void {
    this.approvals.register(REISSUE_KIND, (tx, req) => this.create(tx, req));
    this.periodic.every('sweep-reissues', this.cfg.SCM_HELPDESK_SWEEP_SECONDS * 1000, ReissueService.name, async () => {
      await this.completeFinished();
    });
  }

  request(input: { card: string; from?: EscrowFrom }, requester: { id: string }, actor: Actor): Promise<ApprovalTicket> {
    return this.uow.run(actor, async (tx) => {
      const deny = (e: ReissueError, cardId?: string) => {
        tx.audit({
          action: 'card.reissue-requested',
          targetType: 'card',
          targetId: cardId ?? input.card.slice(0, 64),
          outcome: 'denied',
          details: { refusal: e.code },
        });
        return tx.refuse(e);
      };
      const card = await findCard(tx.em, input.card, true);
      if (!card) return deny(new ReissueError(E.NotFound, `no card ${input.card}`));
      if (!REPLACEABLE_STATES.includes(card.state))
        return deny(
          new ReissueError(
            E.WrongCardState,
            `card ${card.serial ?? card.id} is ${card.state}: only a card reported lost, stolen or damaged is reissued`,
            {
              cardState: card.state,
            },
          ),
          card.id,
        );
      const report = (await tx.em.query(`SELECT reason FROM card_report WHERE card_id = $1 AND state = 'open'`, [card.id])) as Array<{
        reason: string;
      }>;
      const reason = report[0]?.reason ?? card.state;
      const pending = (await tx.em.query(
        `SELECT id FROM approval_request WHERE kind = $1 AND status = 'pending' AND expires_at > $3 AND subject->>'cardId' = $2`,
        [REISSUE_KIND, card.id, tx.now],
      )) as Array<{ id: string }>;
      const running = (await tx.em.query(`SELECT id FROM reissue WHERE old_card_id = $1 AND state = 'awaiting-card'`, [card.id])) as Array<{
        id: string;
      }>;
      if (pending[0] || running[0])
        return deny(
          new ReissueError(E.Pending, `card ${card.serial ?? card.id} already has a reissue under way`, {
            approvalId: pending[0]?.id,
            reissueId: running[0]?.id,
          }),
          card.id,
        );
      const open = (await tx.em.query(
        `SELECT id FROM issuance_request WHERE cardholder_id = $1 AND state NOT IN ('issued', 'failed', 'cancelled')`,
        [card.cardholder_id],
      )) as Array<{ id: string }>;
      if (open[0])
        return deny(
          new ReissueError(E.Pending, `the cardholder has an open issuance request ${open[0].id}`, { requestId: open[0].id }),
          card.id,
        );
      const version = card.vsc_id ? await this.escrow.latestEscrowed(tx, card.vsc_id) : undefined;
      if (!card.vsc_id || !version || !card.profile || !card.profile_id)
        return deny(new ReissueError(E.NoEscrow, `card ${card.serial ?? card.id} has no escrowed VSC to reissue from`), card.id);
      const subject: Subject = {
        cardId: card.id,
        serial: card.serial,
        cardholderId: card.cardholder_id,
        sourceVscId: card.vsc_id,
        sourceVersion: version,
        reason,
        from: input.from ?? 'any',
      };
      const a = await this.approvals.request(tx, {
        kind: REISSUE_KIND,
        subject,
        approverRole: 'security-officer',
        requiredApprovals: this.cfg.SCM_HELPDESK_APPROVALS,
        requestedBy: requester.id,
      });
      tx.audit({
        action: 'card.reissue-requested',
        targetType: 'card',
        targetId: card.id,
        outcome: 'success',
        details: { reason, approvalId: a.id, sourceVsc: card.vsc_id, sourceVersion: version },
      });
      return ticketOf(a);
    });
  }

  /** The approval executor: a new request and its escrowed VSC, up to awaiting-card, in the approving transaction. */
  private async create(tx: Tx, req: ApprovalRequestEntity): Promise<void> {
    const s = req.subject as Subject;
    const card = await findCard(tx.em, s.cardId, true);
    if (!card || !REPLACEABLE_STATES.includes(card.state) || !card.profile || !card.profile_id)
      throw new ReissueError(E.WrongCardState, `card ${s.serial ?? s.cardId} is ${card?.state ?? 'gone'}: no reissue`);
    const requestId = randomUUID();
    const createdBy = `user:${req.requestedBy}`;
    try {
      await tx.em.query(
        `INSERT INTO issuance_request (id, batch_id, cardholder_id, profile_id, profile, state, state_changed_at, created_by, created_at)
         VALUES ($1, NULL, $2, $3, $4, 'requested', $5, $6, $5)`,
        [requestId, card.cardholder_id, card.profile_id, JSON.stringify(card.profile), tx.now, createdBy],
      );
    } catch (e) {
      if ((e as { code?: string }).code === '23505')
        throw new ReissueError(E.Pending, 'the cardholder has an open issuance request; the reissue waits until it ends');
      throw e;
    }
    const details = { reissueOf: card.id, reason: s.reason, approvalId: req.id };
    await tx.em.query(
      `INSERT INTO issuance_request_event (request_id, from_state, to_state, at, actor, details) VALUES ($1, NULL, 'requested', $2, $3, $4)`,
      [requestId, tx.now, tx.actor.actor, JSON.stringify(details)],
    );
    tx.audit({ action: 'issuance-request.requested', targetType: 'issuance-request', targetId: requestId, outcome: 'success', details });
    await this.states.announce(tx, { type: 'state', requestId, batchId: null, from: null, state: 'requested', at: tx.now.toISOString() });

    const src = await this.escrow.open(tx, { vscId: s.sourceVscId, version: s.sourceVersion }, s.from);
    let row = (await this.states.lock(tx, requestId)) as IssuanceRequest;
    try {
      const [ca, signer] = await Promise.all([this.cas.ca(), this.cas.contentSigner()]);
      const profile = card.profile;
      const expires = new Date(
        Math.min(
          tx.now.getTime() + profile.validityDays * DAY_MS,
          ca.certificate.notAfter.getTime(),
          signer.certificate.notAfter.getTime(),
        ),
      );
      const vsc = await VirtualSmartCard.create(
        { kind: 'escrow', parentId: src.vsc.id, pinTries: profile.pin.tries, pukTries: profile.puk.tries },
        this.vscs.deps(),
      );
      try {
        const made = await this.cas.inTx(tx, () =>
          fillDerivedVsc(
            vsc,
            src.vsc,
            {
              mode: 'reissue',
              kind: 'escrow',
              profile,
              holder: { id: card.cardholder_id, name: card.holder_name, upn: card.upn, email: card.email },
              organization: this.cfg.SCM_ORGANIZATION,
              expires,
              reference: { requestId },
              authorisation: req.id,
              // A damaged card's escrowed keys are safe to put back; a lost or stolen card's are not.
              restoreEscrowed: card.state === 'damaged',
            },
            { ca, signer },
          ),
        );
        await vsc.seal();
        const v = await this.vscs.storeNew(tx, vsc, { kind: 'escrow', requestId, cardholderId: card.cardholder_id, reason: 'reissued' });
        await tx.em.query(`UPDATE vsc SET parent_id = $2 WHERE id = $1`, [vsc.id, src.vsc.id]);
        row = this.ok(
          await this.states.transition(tx, row, 'keys-generated', {
            details: {
              vscId: vsc.id,
              vscVersion: v.version,
              sha256: v.sha256,
              certificates: made.issued,
              restored: made.restored,
              recovered: made.recovered,
              onCard: made.onCard,
              reissueOf: card.id,
              source: { vscId: src.vscId, version: src.version, from: src.source },
            },
          }),
        );
        const report = await this.vscs.commitEscrow(tx, vsc.id, v.version);
        row = this.ok(
          await this.states.transition(tx, row, 'escrowed', {
            details: { vscId: vsc.id, vscVersion: report.version, sha256: report.contentHash },
          }),
        );
        this.ok(await this.states.transition(tx, row, 'awaiting-card', { details: { job: 'personalise-card', reissueOf: card.id } }));
        tx.enqueue('personalise-card', { requestId });
        const id = randomUUID();
        await tx.em.query(
          `INSERT INTO reissue (id, old_card_id, cardholder_id, reason, approval_id, request_id, source_vsc_id, source_version, state, requested_by, created_at)
           VALUES ($1,$2,$3,$4,$5,$6,$7,$8,'awaiting-card',$9,$10)`,
          [id, card.id, card.cardholder_id, s.reason, req.id, requestId, src.vscId, src.version, createdBy, tx.now],
        );
        tx.audit({
          action: 'card.reissue-approved',
          targetType: 'card',
          targetId: card.id,
          outcome: 'success',
          details: {
            reason: s.reason,
            reissueId: id,
            approvalId: req.id,
            requestId,
            vscId: vsc.id,
            recovered: made.recovered,
            certificates: made.issued,
          },
        });
      } finally {
        vsc.close();
      }
    } finally {
      src.vsc.close();
    }
  }

  private ok(r: IssuanceRequest | IssuanceError): IssuanceRequest {
    if (r instanceof IssuanceError) throw r;
    return r;
  }

  /**
   * Ends reissues whose request ended: issued → the old card becomes `replaced` (its certificates
   * superseded unless already revoked for a graver reason) and its report is closed; failed or
   * cancelled → the reissue failed (the old card keeps its state; the help desk may ask again).
   */
  async completeFinished(): Promise<number> {
    const due = (await this.uow.run(ACTOR, (tx) =>
      tx.em.query(
        `SELECT r.id FROM reissue r JOIN issuance_request q ON q.id = r.request_id WHERE r.state = 'awaiting-card' AND q.state IN ('issued', 'failed', 'cancelled')`,
      ),
    )) as Array<{ id: string }>;
    for (const d of due) await this.complete(d.id);
    return due.length;
  }

  private complete(id: string): Promise<void> {
    return this.uow.run(ACTOR, async (tx) => {
      const rows = (await tx.em.query(`${ROW_SQL} WHERE r.id = $1 FOR UPDATE OF r`, [id])) as Row[];
      const r = rows[0];
      if (!r || r.state !== 'awaiting-card') return;
      if (r.request_state === 'issued') {
        const t = await this.cards.transition(tx, r.old_card_id, 'replaced', { reissueId: r.id, newCardId: r.new_card_id });
        if (t instanceof CardError) this.log.warn({ reissueId: id, err: t.message }, 'the old card could not be marked replaced');
        await tx.em.query(`UPDATE card_report SET state = 'closed', closed_by = $2, closed_at = $3 WHERE card_id = $1 AND state = 'open'`, [
          r.old_card_id,
          tx.actor.actor,
          tx.now,
        ]);
        const standIns = await this.temporary.revokeStandIns(tx, r.old_card_id, 'the card was replaced');
        await tx.em.query(`UPDATE reissue SET state = 'completed', closed_at = $2 WHERE id = $1`, [id, tx.now]);
        tx.audit({
          action: 'card.reissued',
          targetType: 'card',
          targetId: r.old_card_id,
          outcome: 'success',
          details: {
            reason: r.reason,
            reissueId: id,
            requestId: r.request_id,
            vscId: r.vsc_id,
            newCardId: r.new_card_id,
            newSerial: r.new_serial,
            oldCardState: t instanceof CardError ? null : 'replaced',
            certificates: t instanceof CardError ? [] : t.certificates,
            temporaryCardsRevoked: standIns,
          },
        });
      } else {
        await tx.em.query(`UPDATE reissue SET state = 'failed', closed_at = $2 WHERE id = $1`, [id, tx.now]);
        tx.audit({
          action: 'card.reissue-failed',
          targetType: 'card',
          targetId: r.old_card_id,
          outcome: 'failure',
          details: { reason: r.reason, reissueId: id, requestId: r.request_id, requestState: r.request_state },
        });
      }
    });
  }

  get(id: string, actor: Actor): Promise<ReissueView> {
    return this.uow.run(actor, async (tx) => {
      const rows = (await tx.em.query(`${ROW_SQL} WHERE r.id = $1`, [id])) as Row[];
      if (!rows[0]) return tx.refuse(new ReissueError(E.NotFound, `no reissue ${id}`));
      return view(rows[0]);
    });
  }

  list(q: { card?: string; state?: string }, actor: Actor): Promise<ReissueView[]> {
    return this.uow.run(actor, async (tx) => {
      const params: unknown[] = [];
      const w: string[] = [];
      if (q.card) w.push(`(r.old_card_id::text = $${params.push(q.card)} OR o.serial = $${params.length})`);
      if (q.state) w.push(`r.state = $${params.push(q.state)}`);
      const rows = (await tx.em.query(
        `${ROW_SQL} ${w.length ? `WHERE ${w.join(' AND ')}` : ''} ORDER BY r.created_at DESC LIMIT 200`,
        params,
      )) as Row[];
      return rows.map(view);
    });
  }
}
