import type { Card } from '../../issuance/cards/card.repository';
import type { IssuanceRequest } from '../../issuance/requests/request.repository';
import { PersonalisationError, PersonalisationErrorCode as E } from '../personalisation-errors';
import { CLAIMABLE_STATES } from '../claim-card/claim-rules';
import { StockErrorCode } from '../../stock/stock-errors';
import type { CardLease } from './card-lease.repository';

/**
 * Refusals a worker that only claims what it was leased, for cards it holds, never meets: enough of
 * them suspend it. A real worker proves a card through the HSM before it claims it, so a claim for a
 * card outside the stock, or with a missing, wrong or replayed proof, is a workstation claiming
 * cards it cannot prove.
 */
export const SUSPICIOUS_REFUSALS: ReadonlySet<string> = new Set([
  E.NotLeased,
  E.BoundToAnotherWorker,
  E.ClaimRateExceeded,
  StockErrorCode.NotInStock,
  StockErrorCode.ProofFailed,
]);

/** When a lease taken or renewed at `now` runs out. */
export const leaseExpiry = (now: Date, seconds: number): Date => new Date(now.getTime() + seconds * 1000);

/** What a worker says it claims: the request, itself, its workstation and the card in its reader. */
export interface ClaimIntent {
  requestId: string;
  workerId: string;
  workstation: number;
  serial: string;
}

/**
 * Why the claim is not within a lease the API gave: the request must be leased to this worker, at
 * this workstation, for this card, and the lease must not have run out. Undefined when it is.
 */
export function leaseProblem(lease: CardLease | undefined, c: ClaimIntent, now: Date): PersonalisationError | undefined {
  const refuse = (why: string) =>
    new PersonalisationError(E.NotLeased, `request ${c.requestId} is not leased to this worker for card ${c.serial}: ${why}`, {
      requestId: c.requestId,
      why,
    });
  if (!lease) return refuse('no lease');
  if (lease.workerId !== c.workerId) return refuse('leased to another worker');
  if (lease.workstation !== c.workstation) return refuse('leased at another workstation');
  if (lease.serial !== c.serial) return refuse('leased for another card');
  if (lease.expiresAt.getTime() <= now.getTime()) return refuse('the lease expired');
  return undefined;
}

/**
 * A card a worker reports and the request bound to it, if any: `resume` when the request waits for
 * this card and this worker personalises it; a refusal when another worker does (only an officer
 * moves a bound request); `none` when the card is registered but no request waits for it.
 */
export function boundCardLease(
  card: Card,
  request: IssuanceRequest | undefined,
  workerId: string,
): { kind: 'resume'; requestId: string } | { kind: 'none' } | PersonalisationError {
  if (!request || request.cardId !== card.id || !CLAIMABLE_STATES.includes(request.state)) return { kind: 'none' };
  if (request.workerId !== workerId) {
    return new PersonalisationError(
      E.BoundToAnotherWorker,
      `card ${card.serial} is bound to request ${request.id}, which another worker personalises; an officer may reassign it`,
      { requestId: request.id, serial: card.serial },
    );
  }
  return { kind: 'resume', requestId: request.id };
}
