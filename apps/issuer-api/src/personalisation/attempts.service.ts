import { Inject, Injectable } from '@nestjs/common';
import { jobId } from '@scm/queue';
import type { StepOutcome } from '@scm/personalisation';
import { CertificateStatusService } from '../pki/certificate-status.service';
import { CardError } from '../issuance/cards/card-errors';
import { CARD_REPOSITORY, type Card, type CardRepository } from '../issuance/cards/card.repository';
import { CardLifecycleService } from '../issuance/cards/card-lifecycle.service';
import type { Tx } from '../platform/infra/unit-of-work';
import { IssuanceError } from '../issuance/requests/issuance-errors';
import { RequestStateMachine, type IssuanceRequest } from '../issuance/requests/request-state-machine';
import { PersonalisationError, PersonalisationErrorCode } from './personalisation-errors';

/** PostgreSQL channel on which step reports are announced after commit (progress streams). */
export const PERSONALISATION_CHANNEL = 'scm_personalisation';

export type PersonalisationRow = {
  request_id: string;
  card_id: string;
  worker_id: string;
  attempt: number;
  steps_total: number | null;
  steps_done: number;
  last_step: string | null;
  management_key: 'transport' | 'diversified';
  proof_nonce: Buffer | null;
  decrypt_check: Buffer | null;
  started_at: Date;
  updated_at: Date;
};

/** A step as the progress stream carries it (ids, names and counts only). */
export interface StepEvent {
  type: 'step';
  requestId: string;
  batchId: string | null;
  step: string;
  outcome: StepOutcome;
  done: number;
  total: number | null;
  serial: string | null;
  at: string;
}

/** The states in which a card is being written for a request. */
export const ACTIVE_STATES = ['personalising', 'verifying'] as const;

const throwIf = <T>(r: T | IssuanceError | CardError): T => {
  if (r instanceof IssuanceError || r instanceof CardError) throw r;
  return r;
};

/**
 * Bookkeeping of personalisation attempts shared by the use cases: who may act on a request's card,
 * the step log, the end of an attempt (issued, interrupted, failed) and the card job's outbox row.
 * State changes go through the request state machine and the card lifecycle service.
 */
@Injectable()
export class AttemptsService {
  constructor(
    private readonly states: RequestStateMachine,
    private readonly cards: CardLifecycleService,
    @Inject(CARD_REPOSITORY) private readonly cardRepo: CardRepository,
    private readonly certificates: CertificateStatusService,
  ) {}

  /**
   * The locked request with its attempt and card, when `workerId` claimed it and it is being
   * personalised; otherwise the refusal, audited as denied under `action`.
   */
  async claimed(
    tx: Tx,
    requestId: string,
    workerId: string,
    action: string,
    states: readonly string[] = ACTIVE_STATES,
  ): Promise<{ row: IssuanceRequest; attempt: PersonalisationRow; card: Card } | PersonalisationError> {
    const row = await this.states.lock(tx, requestId);
    let problem: PersonalisationError | undefined;
    let attempt: PersonalisationRow | undefined;
    let card: Card | undefined;
    if (!row) problem = new PersonalisationError(PersonalisationErrorCode.NotFound, `no issuance request ${requestId}`, { requestId });
    else if (!states.includes(row.state)) {
      problem = new PersonalisationError(PersonalisationErrorCode.NotClaimant, `request ${requestId} is ${row.state}`, {
        requestId,
        state: row.state,
      });
    } else if (row.workerId !== workerId || !row.cardId) {
      problem = new PersonalisationError(PersonalisationErrorCode.NotClaimant, `request ${requestId} is claimed by another worker`, {
        requestId,
      });
    } else {
      attempt = (
        (await tx.em.query(`SELECT * FROM personalisation WHERE request_id = $1 FOR UPDATE`, [requestId])) as PersonalisationRow[]
      )[0];
      card = await this.cardRepo.get(row.cardId, tx);
      if (!attempt || !card || attempt.card_id !== card.id) {
        problem = new PersonalisationError(PersonalisationErrorCode.NotClaimant, `request ${requestId} has no attempt on its card`, {
          requestId,
        });
      }
    }
    if (problem) {
      tx.audit({
        action,
        targetType: 'issuance-request',
        targetId: requestId,
        outcome: 'denied',
        details: { workerId, reason: problem.code },
      });
      return problem;
    }
    return { row: row!, attempt: attempt!, card: card! };
  }

  /** The card job of a request has nothing more to do: its outbox row is done (no re-queue after a Redis flush). */
  async markJobDone(tx: Tx, requestId: string): Promise<void> {
    await tx.em.query(`UPDATE outbox SET done_at = COALESCE(done_at, $2) WHERE job_id = $1`, [
      jobId('personalise-card', { requestId }),
      tx.now,
    ]);
  }

  /** Records a step of the current attempt (log row, counters) and announces it after commit. */
  async recordStep(
    tx: Tx,
    r: {
      requestId: string;
      batchId: string | null;
      cardId: string | null;
      workerId: string | null;
      attempt: number;
      serial: string | null;
    },
    step: string,
    outcome: StepOutcome,
    details: Record<string, unknown> = {},
  ): Promise<StepEvent> {
    await tx.em.query(
      `INSERT INTO personalisation_step (request_id, card_id, worker_id, attempt, step, outcome, details, at) VALUES ($1,$2,$3,$4,$5,$6,$7,$8)`,
      [r.requestId, r.cardId, r.workerId, r.attempt, step, outcome, JSON.stringify(details), tx.now],
    );
    const counted = outcome === 'done' || outcome === 'skipped';
    const rows = (await tx.em.query(
      `WITH u AS (UPDATE personalisation SET steps_done = steps_done + $2, last_step = $3, updated_at = $4 WHERE request_id = $1 AND attempt = $5 RETURNING steps_done, steps_total) SELECT * FROM u`,
      [r.requestId, counted ? 1 : 0, step, tx.now, r.attempt],
    )) as Array<{ steps_done: number; steps_total: number | null }>;
    const e: StepEvent = {
      type: 'step',
      requestId: r.requestId,
      batchId: r.batchId,
      step,
      outcome,
      done: rows[0]?.steps_done ?? 0,
      total: rows[0]?.steps_total ?? null,
      serial: r.serial,
      at: tx.now.toISOString(),
    };
    await tx.em.query(`SELECT pg_notify($1, $2)`, [PERSONALISATION_CHANNEL, JSON.stringify(e)]);
    return e;
  }

  /**
   * Ends a request that cannot be finished: failed with a reason that is safe to show; its card (if
   * one was claimed) spoiled; the certificates issued for it revoked; its job done.
   */
  async fail(tx: Tx, row: IssuanceRequest, reason: string, details: Record<string, unknown> = {}): Promise<IssuanceRequest> {
    const failed = throwIf(await this.states.transition(tx, row, 'failed', { failure: reason.slice(0, 500), details }));
    if (row.cardId) {
      const card = ((await tx.em.query(`SELECT state FROM card WHERE id = $1`, [row.cardId])) as Array<{ state: string }>)[0];
      if (card && (card.state === 'personalising' || card.state === 'blank')) {
        throwIf(await this.cards.transition(tx, row.cardId, 'spoiled', { requestId: row.id, reason: 'personalisation failed' }));
      }
    }
    await this.revokeCertificates(tx, row.id, 'cessationOfOperation', `request ${row.id} failed`);
    await this.markJobDone(tx, row.id);
    return failed;
  }

  /** Revokes the request's certificates that are still valid or on hold (all, or those of `slots`). */
  async revokeCertificates(
    tx: Tx,
    requestId: string,
    reason: 'superseded' | 'cessationOfOperation' | 'keyCompromise',
    comment: string,
    slots?: readonly string[],
  ): Promise<string[]> {
    const certs = (await tx.em.query(
      `SELECT serial, reference->>'slot' AS slot FROM ca_certificate WHERE reference->>'requestId' = $1 AND status IN ('valid', 'on-hold')`,
      [requestId],
    )) as Array<{ serial: string; slot: string | null }>;
    const out: string[] = [];
    for (const c of certs) {
      if (slots && (!c.slot || !slots.includes(c.slot))) continue;
      await this.certificates.apply(tx, c.serial, { action: 'revoke', reason }, comment);
      out.push(c.serial);
    }
    return out;
  }

  /** A card pulled out (or a worker lost) mid-way: the request waits for that card again. */
  async interrupt(tx: Tx, row: IssuanceRequest, reason: string, serial: string | null): Promise<IssuanceRequest> {
    return throwIf(await this.states.transition(tx, row, 'awaiting-card', { details: { reason: reason.slice(0, 200), waitsFor: serial } }));
  }
}
