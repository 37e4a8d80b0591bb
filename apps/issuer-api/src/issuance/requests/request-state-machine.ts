import { Inject, Injectable } from '@nestjs/common';
import type { Tx } from '../../platform/infra/unit-of-work';
import { IssuanceError, IssuanceErrorCode } from './issuance-errors';
import { type IssuanceRequest, REQUEST_REPOSITORY, type RequestEvent, type RequestRepository } from './request.repository';
import { canTransition, type RequestState } from './request-state';

export type { IssuanceRequest, RequestEvent } from './request.repository';

/**
 * The one place where an issuance request changes state: the transition is checked against
 * REQUEST_TRANSITIONS, written with its history line and audit event in the caller's transaction,
 * and announced to listeners (PostgreSQL delivers the notification only on commit).
 */
@Injectable()
export class RequestStateMachine {
  constructor(@Inject(REQUEST_REPOSITORY) private readonly requests: RequestRepository) {}

  /** The request, locked for the rest of the transaction. */
  lock(tx: Tx, requestId: string): Promise<IssuanceRequest | undefined> {
    return this.requests.lock(tx, requestId);
  }

  /**
   * Moves a (locked) request to `to`. Returns the updated request, or an IssuanceError after
   * auditing the refusal when the state machine or `expect` does not allow it.
   */
  async transition(
    tx: Tx,
    row: IssuanceRequest,
    to: RequestState,
    opts: { expect?: readonly RequestState[]; details?: Record<string, unknown>; failure?: string } = {},
  ): Promise<IssuanceRequest | IssuanceError> {
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
    if (!(await this.requests.setState(tx, row.id, from, to, opts.failure))) {
      // Callers lock the row first; this only happens when one did not.
      return new IssuanceError(IssuanceErrorCode.IllegalTransition, `request ${row.id} changed concurrently; retry`, { requestId: row.id });
    }
    const details = { ...(opts.details ?? {}), ...(opts.failure ? { failure: opts.failure } : {}) };
    await this.requests.addHistory(tx, [{ requestId: row.id, from, to, actor: tx.actor.actor, details }]);
    tx.audit({
      action: `issuance-request.${to}`,
      targetType: 'issuance-request',
      targetId: row.id,
      outcome: 'success',
      details: { from, to, ...details },
    });
    await this.announce(tx, { type: 'state', requestId: row.id, batchId: row.batchId, from, state: to, at: tx.now.toISOString() });
    return { ...row, state: to, stateChangedAt: tx.now, failure: opts.failure ?? row.failure };
  }

  /** Announces request events after commit (new requests: the creating handler announces them). */
  announce(tx: Tx, ...events: RequestEvent[]): Promise<void> {
    return this.requests.announce(tx, events);
  }
}
