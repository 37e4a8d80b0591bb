import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { Actor } from '../../trust/auth/principal';
import { API_CONFIG, type ApiConfig } from '../../platform/config/api-config';
import { CardError } from '../../issuance/cards/card-errors';
import { CardLifecycleService } from '../../issuance/cards/card-lifecycle.service';
import { type Tx, UnitOfWork } from '../../platform/infra/unit-of-work';
import { KEY_TRANSFER_ALG, type WrappedKeyMaterial, wrapForWorker } from '@scm/personalisation';
import type { CardProfileDefinition } from '../../issuance/profiles/card-profile';
import { WorkerChannel } from '../../trust/workers/worker-channel';
import { CardSecretsService } from '../card-secrets.service';
import { PersonalisationError, PersonalisationErrorCode } from '../personalisation-errors';
import type { ActivationState, ActivationView } from '@scm/personalisation';
export type { ActivationState, ActivationView } from '@scm/personalisation';

type SessionRow = {
  id: string;
  purpose: 'activation' | 'unblock';
  card_id: string;
  workstation: number;
  identity_check: string;
  state: ActivationState;
  started_by: string;
  worker_id: string | null;
  failure: string | null;
  created_at: Date;
  expires_at: Date;
  closed_at: Date | null;
  serial: string;
  request_id: string | null;
  card_state: string;
  profile: CardProfileDefinition | null;
};

const SESSION_SQL = `SELECT s.*, c.serial, c.request_id, c.state AS card_state, r.profile
  FROM activation_session s JOIN card c ON c.id = s.card_id LEFT JOIN issuance_request r ON r.id = c.request_id`;

const view = (s: SessionRow): ActivationView => ({
  id: s.id,
  purpose: s.purpose,
  cardId: s.card_id,
  serial: s.serial,
  requestId: s.request_id,
  workstation: s.workstation,
  state: s.state,
  startedBy: s.started_by,
  identityCheck: s.identity_check,
  createdAt: s.created_at.toISOString(),
  expiresAt: s.expires_at.toISOString(),
  closedAt: s.closed_at?.toISOString() ?? null,
  failure: s.failure,
  pin: { minLength: s.profile?.pin.minLength ?? 6, maxLength: s.profile?.pin.maxLength ?? 8 },
});

const E = PersonalisationErrorCode;

/**
 * Activation: after checking the cardholder's identity, an officer or the help desk opens a session
 * for an issued card at one workstation. That workstation's worker — and only it, while the
 * session is open — gets the card's PUK wrapped for it, sets the PIN the cardholder types at the
 * workstation with RESET RETRY COUNTER, and reports the outcome; the card becomes active. The PIN
 * never reaches the API.
 */
@Injectable()
export class ActivationService {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly cards: CardLifecycleService,
    private readonly secrets: CardSecretsService,
    private readonly channel: WorkerChannel,
    @Inject(API_CONFIG) private readonly cfg: ApiConfig,
  ) {}

  private async expireOld(tx: Tx): Promise<void> {
    const expired = (await tx.em.query(
      `WITH u AS (UPDATE activation_session SET state = 'expired', closed_at = $1 WHERE state = 'open' AND expires_at <= $1 RETURNING id, card_id) SELECT * FROM u`,
      [tx.now],
    )) as Array<{ id: string; card_id: string }>;
    for (const e of expired) {
      tx.audit({
        action: 'card.activation-expired',
        targetType: 'card',
        targetId: e.card_id,
        outcome: 'failure',
        details: { sessionId: e.id },
      });
    }
  }

  private async session(tx: Tx, id: string, lock = false): Promise<SessionRow | undefined> {
    return ((await tx.em.query(`${SESSION_SQL} WHERE s.id = $1${lock ? ' FOR UPDATE OF s' : ''}`, [id])) as SessionRow[])[0];
  }

  async start(input: { serial: string; workstation: number; identityCheck: string }, actor: Actor): Promise<ActivationView> {
    const v = await this.uow.run(actor, async (tx) => {
      await this.expireOld(tx);
      const deny = (e: PersonalisationError, cardId?: string) => {
        tx.audit({
          action: 'card.activation-started',
          targetType: 'card',
          targetId: cardId ?? input.serial.slice(0, 64),
          outcome: 'denied',
          details: { serial: input.serial, workstation: input.workstation, reason: e.code },
        });
        return tx.refuse(e);
      };
      const card = (
        (await tx.em.query(`SELECT id, state FROM card WHERE serial = $1 FOR UPDATE`, [input.serial])) as Array<{
          id: string;
          state: string;
        }>
      )[0];
      if (!card) return deny(new PersonalisationError(E.NotFound, `no card with serial ${input.serial}`, { serial: input.serial }));
      if (card.state !== 'issued') {
        return deny(
          new PersonalisationError(E.WrongCardState, `card ${input.serial} is ${card.state}; only an issued card is activated`, {
            state: card.state,
          }),
          card.id,
        );
      }
      const cred = (await tx.em.query(`SELECT 1 FROM card_credential WHERE card_id = $1`, [card.id])) as unknown[];
      if (!cred.length) return deny(new PersonalisationError(E.NotReady, `card ${input.serial} has no PUK under the HSM`), card.id);
      const open = (await tx.em.query(`SELECT id FROM activation_session WHERE card_id = $1 AND state = 'open'`, [card.id])) as unknown[];
      if (open.length)
        return deny(new PersonalisationError(E.ActivationOpen, `an activation of card ${input.serial} is already open`), card.id);
      const id = randomUUID();
      await tx.em.query(
        `INSERT INTO activation_session (id, card_id, workstation, identity_check, state, started_by, created_at, expires_at) VALUES ($1,$2,$3,$4,'open',$5,$6,$7)`,
        [
          id,
          card.id,
          input.workstation,
          input.identityCheck,
          actor.actor,
          tx.now,
          new Date(tx.now.getTime() + this.cfg.SCM_ACTIVATION_TTL_MINUTES * 60_000),
        ],
      );
      tx.audit({
        action: 'card.activation-started',
        targetType: 'card',
        targetId: card.id,
        outcome: 'success',
        details: { sessionId: id, serial: input.serial, workstation: input.workstation, identityCheck: input.identityCheck },
      });
      return view((await this.session(tx, id))!);
    });
    // Tell the workstation's worker (it shows the cardholder where to type); the keyboard side asks for the session itself.
    const workers = (await this.uow.run(actor, async (tx) =>
      tx.em.query(`SELECT id FROM card_worker WHERE workstation = $1 AND status = 'approved'`, [v.workstation]),
    )) as Array<{ id: string }>;
    for (const w of workers) this.channel.send(w.id, { type: 'activation', sessionId: v.id, serial: v.serial });
    return v;
  }

  async show(id: string, actor: Actor): Promise<ActivationView> {
    return this.uow.run(actor, async (tx) => {
      const s = await this.session(tx, id);
      if (!s) throw new PersonalisationError(E.NotFound, `no activation session ${id}`);
      return view(s);
    });
  }

  async cancel(id: string, actor: Actor): Promise<ActivationView> {
    return this.uow.run(actor, async (tx) => {
      const s = await this.session(tx, id, true);
      if (!s) return tx.refuse(new PersonalisationError(E.NotFound, `no activation session ${id}`));
      if (s.state !== 'open') return tx.refuse(new PersonalisationError(E.NoActivationSession, `activation ${id} is ${s.state}`));
      await tx.em.query(`UPDATE activation_session SET state = 'cancelled', closed_at = $2 WHERE id = $1`, [id, tx.now]);
      tx.audit({
        action: 'card.activation-cancelled',
        targetType: 'card',
        targetId: s.card_id,
        outcome: 'success',
        details: { sessionId: id },
      });
      return view((await this.session(tx, id))!);
    });
  }

  /** The open session for a card at the calling worker's workstation (the worker asks before prompting). */
  async forWorker(serial: string, worker: { id: string; workstation: number }, actor: Actor): Promise<ActivationView> {
    return this.uow.run(actor, async (tx) => {
      await this.expireOld(tx);
      const s = (
        (await tx.em.query(`${SESSION_SQL} WHERE c.serial = $1 AND s.state = 'open' AND s.workstation = $2`, [
          serial,
          worker.workstation,
        ])) as SessionRow[]
      )[0];
      if (!s) {
        tx.audit({
          action: 'card.activation-prompt',
          targetType: 'card',
          targetId: serial.slice(0, 64),
          outcome: 'denied',
          details: { serial, workerId: worker.id },
        });
        return tx.refuse(
          new PersonalisationError(E.NoActivationSession, `no open activation of card ${serial} at workstation ${worker.workstation}`, {
            serial,
          }),
        );
      }
      return view(s);
    });
  }

  private async openFor(
    tx: Tx,
    id: string,
    worker: { id: string; workstation: number },
    action: string,
  ): Promise<SessionRow | PersonalisationError> {
    const s = await this.session(tx, id, true);
    let problem: PersonalisationError | undefined;
    if (!s) problem = new PersonalisationError(E.NotFound, `no activation session ${id}`);
    else if (s.state !== 'open' || s.expires_at <= tx.now)
      problem = new PersonalisationError(E.NoActivationSession, `activation ${id} is not open`);
    else if (s.workstation !== worker.workstation)
      problem = new PersonalisationError(E.NoActivationSession, `activation ${id} is for workstation ${s.workstation}`);
    else if (s.worker_id && s.worker_id !== worker.id)
      problem = new PersonalisationError(E.NotClaimant, `activation ${id} is served by another worker`);
    else if (s.card_state !== (s.purpose === 'unblock' ? 'active' : 'issued'))
      problem = new PersonalisationError(E.WrongCardState, `card ${s.serial} is ${s.card_state}`);
    if (problem) {
      tx.audit({
        action,
        targetType: 'card',
        targetId: s?.card_id ?? id,
        outcome: 'denied',
        details: { sessionId: id, workerId: worker.id, reason: problem.code },
      });
      return problem;
    }
    return s!;
  }

  /** The card's PUK, wrapped for this worker (bound to the card's request and the worker). */
  releasePuk(id: string, worker: { id: string; workstation: number }, actor: Actor): Promise<WrappedKeyMaterial> {
    return this.uow.run(actor, async (tx) => {
      const s = await this.openFor(tx, id, worker, 'card.puk-released');
      if (s instanceof PersonalisationError) return tx.refuse(s);
      const w = (await tx.em.query(`SELECT kex_key FROM card_worker WHERE id = $1 AND status = 'approved'`, [worker.id])) as Array<{
        kex_key: Buffer;
      }>;
      const cred = (await tx.em.query(`SELECT puk_sealed FROM card_credential WHERE card_id = $1`, [s.card_id])) as Array<{
        puk_sealed: Buffer;
      }>;
      const vsc = (await tx.em.query(`SELECT id, current_version FROM vsc WHERE request_id = $1`, [s.request_id])) as Array<{
        id: string;
        current_version: number;
      }>;
      if (!w[0] || !cred[0] || !vsc[0] || !s.request_id)
        return tx.refuse(new PersonalisationError(E.NotReady, `card ${s.serial} cannot be activated here`));
      await tx.em.query(`UPDATE activation_session SET worker_id = $2 WHERE id = $1`, [id, worker.id]);
      const puk = await this.secrets.openPuk(cred[0].puk_sealed, s.card_id);
      try {
        const wrapped = wrapForWorker({ keys: [], puk }, w[0].kex_key, {
          v: 1,
          alg: KEY_TRANSFER_ALG,
          requestId: s.request_id,
          workerId: worker.id,
          vscId: vsc[0].id,
          vscVersion: vsc[0].current_version,
        });
        tx.audit({
          action: 'card.puk-released',
          targetType: 'card',
          targetId: s.card_id,
          outcome: 'success',
          details: { sessionId: id, workerId: worker.id },
        });
        return wrapped;
      } finally {
        puk.fill(0);
      }
    });
  }

  /** The worker's report: the cardholder's PIN is set (card issued → active), or why not. */
  complete(
    id: string,
    worker: { id: string; workstation: number },
    outcome: { ok: boolean; reason?: string },
    actor: Actor,
  ): Promise<ActivationView> {
    return this.uow.run(actor, async (tx) => {
      const s = await this.openFor(tx, id, worker, 'card.activated');
      if (s instanceof PersonalisationError) return tx.refuse(s);
      if (!s.worker_id) return tx.refuse(new PersonalisationError(E.NotReady, `activation ${id}: the worker never fetched the PUK`));
      if (s.purpose === 'unblock') return this.completeUnblock(tx, s, worker, outcome);
      if (outcome.ok) {
        const r = await this.cards.transition(tx, s.card_id, 'active', {
          sessionId: id,
          workstation: s.workstation,
          identityCheck: s.identity_check,
        });
        if (r instanceof CardError) return tx.refuse(r);
        await tx.em.query(`UPDATE activation_session SET state = 'completed', closed_at = $2 WHERE id = $1`, [id, tx.now]);
        tx.audit({
          action: 'card.activated',
          targetType: 'card',
          targetId: s.card_id,
          outcome: 'success',
          details: { sessionId: id, workerId: worker.id },
        });
      } else {
        const reason = (outcome.reason ?? 'unknown').slice(0, 200);
        await tx.em.query(`UPDATE activation_session SET state = 'failed', failure = $3, closed_at = $2 WHERE id = $1`, [
          id,
          tx.now,
          reason,
        ]);
        tx.audit({
          action: 'card.activated',
          targetType: 'card',
          targetId: s.card_id,
          outcome: 'failure',
          details: { sessionId: id, workerId: worker.id, reason },
        });
      }
      return view((await this.session(tx, id))!);
    });
  }

  /** An unblock session (issue 8, opened by PinUnblockService): the card keeps its state; the new PIN is audited, never the PIN. */
  private async completeUnblock(
    tx: Tx,
    s: SessionRow,
    worker: { id: string; workstation: number },
    outcome: { ok: boolean; reason?: string },
  ): Promise<ActivationView> {
    const reason = outcome.ok ? null : (outcome.reason ?? 'unknown').slice(0, 200);
    await tx.em.query(`UPDATE activation_session SET state = $3, failure = $4, closed_at = $2 WHERE id = $1`, [
      s.id,
      tx.now,
      outcome.ok ? 'completed' : 'failed',
      reason,
    ]);
    tx.audit({
      action: 'card.pin-unblocked',
      targetType: 'card',
      targetId: s.card_id,
      outcome: outcome.ok ? 'success' : 'failure',
      details: { sessionId: s.id, workerId: worker.id, identityCheck: s.identity_check, ...(reason ? { reason } : {}) },
    });
    return view((await this.session(tx, s.id))!);
  }
}
