import { Injectable } from '@nestjs/common';
import type { Tx } from '../../platform/infra/unit-of-work';
import type { CardProfileDefinition } from '../profiles/card-profile';
import { IssuanceError, IssuanceErrorCode } from './issuance-errors';
import { canTransition, type RequestState } from './request-state';

/** PostgreSQL channel on which committed request changes are announced (server-sent events). */
export const ISSUANCE_CHANNEL = 'scm_issuance';

/** What a listener hears about a request (ids and states only). */
export interface RequestEvent {
  type: 'state';
  requestId: string;
  batchId: string | null;
  from: RequestState | null;
  state: RequestState;
  at: string;
}

export type RequestRow = {
  id: string;
  batch_id: string | null;
  cardholder_id: string;
  profile_id: string;
  profile: CardProfileDefinition;
  state: RequestState;
  state_changed_at: Date;
  failure: string | null;
  worker_id: string | null;
  card_id: string | null;
  created_by: string;
  created_at: Date;
};

/**
 * The one place where an issuance request changes state: the transition is checked against
 * REQUEST_TRANSITIONS, written with its history row and audit event in the caller's transaction,
 * and announced on ISSUANCE_CHANNEL (PostgreSQL delivers the notification only on commit).
 */
@Injectable()
export class RequestStateMachine {
  /** The request, locked for the rest of the transaction. */
  async lock(tx: Tx, requestId: string): Promise<RequestRow | undefined> {
    const rows = (await tx.em.query(`SELECT * FROM issuance_request WHERE id = $1 FOR UPDATE`, [requestId])) as RequestRow[];
    return rows[0];
  }

  /**
   * Moves a (locked) request to `to`. Returns the updated row, or an IssuanceError after auditing
   * the refusal when the state machine or `expect` does not allow it.
   */
  async transition(
    tx: Tx,
    row: RequestRow,
    to: RequestState,
    opts: { expect?: readonly RequestState[]; details?: Record<string, unknown>; failure?: string } = {},
  ): Promise<RequestRow | IssuanceError> {
    const from = row.state;
    if (!canTransition(from, to) || (opts.expect && !opts.expect.includes(from))) {
      tx.audit({
        action: `issuance-request.${to}`,
        targetType: 'issuance-request',
        targetId: row.id,
        outcome: 'denied',
        details: { from, to, reason: 'illegal-transition' },
      });
      return new IssuanceError(IssuanceErrorCode.IllegalTransition, `request ${row.id} is ${from}; it cannot become ${to}`, {
        requestId: row.id,
        state: from,
        to,
      });
    }
    const updated = (await tx.em.query(
      `WITH u AS (UPDATE issuance_request SET state = $2, state_changed_at = $3, failure = COALESCE($4, failure) WHERE id = $1 AND state = $5 RETURNING *) SELECT * FROM u`,
      [row.id, to, tx.now, opts.failure ?? null, from],
    )) as RequestRow[];
    if (updated.length !== 1) {
      // Callers lock the row first; this only happens when one did not.
      return new IssuanceError(IssuanceErrorCode.IllegalTransition, `request ${row.id} changed concurrently; retry`, { requestId: row.id });
    }
    const details = { ...(opts.details ?? {}), ...(opts.failure ? { failure: opts.failure } : {}) };
    await tx.em.query(
      `INSERT INTO issuance_request_event (request_id, from_state, to_state, at, actor, details) VALUES ($1,$2,$3,$4,$5,$6)`,
      [row.id, from, to, tx.now, tx.actor.actor, JSON.stringify(details)],
    );
    tx.audit({
      action: `issuance-request.${to}`,
      targetType: 'issuance-request',
      targetId: row.id,
      outcome: 'success',
      details: { from, to, ...details },
    });
    await notify(tx, { type: 'state', requestId: row.id, batchId: row.batch_id, from, state: to, at: tx.now.toISOString() });
    return updated[0];
  }
}

/** Announces request events after commit (a batch's creation is one notification per 50 requests: PostgreSQL caps a payload at 8000 bytes). */
export async function notify(tx: Tx, ...events: RequestEvent[]): Promise<void> {
  for (let i = 0; i < events.length; i += 50) {
    const payload = JSON.stringify(events.slice(i, i + 50).map((e) => [e.requestId, e.batchId, e.from, e.state, e.at]));
    await tx.em.query(`SELECT pg_notify($1, $2)`, [ISSUANCE_CHANNEL, payload]);
  }
}

/** Decodes a notification payload. */
export function parseNotification(payload: string): RequestEvent[] {
  return (JSON.parse(payload) as Array<[string, string | null, RequestState | null, RequestState, string]>).map(
    ([requestId, batchId, from, state, at]) => ({
      type: 'state',
      requestId,
      batchId,
      from,
      state,
      at,
    }),
  );
}
