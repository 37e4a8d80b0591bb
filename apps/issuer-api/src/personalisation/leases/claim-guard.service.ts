import { Inject, Injectable } from '@nestjs/common';
import { API_CONFIG, type ApiConfig } from '../../platform/config/api-config';
import type { Tx } from '../../platform/infra/unit-of-work';
import { WorkerDecisionService } from '../../trust/workers/worker-decision.service';
import { WORKER_REPOSITORY, type WorkerRepository } from '../../trust/workers/worker.repository';
import { PersonalisationError, PersonalisationErrorCode } from '../personalisation-errors';
import { CARD_LEASE_REPOSITORY, type CardLeaseRepository } from './card-lease.repository';
import { type ClaimIntent, leaseExpiry, leaseProblem, SUSPICIOUS_REFUSALS } from './lease-rules';

/**
 * What stands between a worker and a card, inside the caller's transaction: the per-minute claim
 * limit, the lease, and the alarm — a worker whose suspicious refusals (claims it was not leased,
 * cards bound to another worker, claims over the rate) reach the threshold is suspended.
 */
@Injectable()
export class ClaimGuardService {
  constructor(
    @Inject(CARD_LEASE_REPOSITORY) private readonly leases: CardLeaseRepository,
    @Inject(WORKER_REPOSITORY) private readonly workers: WorkerRepository,
    @Inject(API_CONFIG) private readonly cfg: ApiConfig,
    private readonly decisions: WorkerDecisionService,
  ) {}

  /** Why the claim may not go on (over the rate, not leased), or undefined. */
  async problem(tx: Tx, c: ClaimIntent): Promise<PersonalisationError | undefined> {
    const recent = await this.leases.claimsSince(c.workerId, new Date(tx.now.getTime() - 60_000), tx);
    if (recent.total >= this.cfg.SCM_CLAIMS_PER_MINUTE) {
      return new PersonalisationError(
        PersonalisationErrorCode.ClaimRateExceeded,
        `worker ${c.workerId} made ${recent.total} claims in the last minute (at most ${this.cfg.SCM_CLAIMS_PER_MINUTE})`,
        { limit: this.cfg.SCM_CLAIMS_PER_MINUTE },
      );
    }
    return leaseProblem(await this.leases.get(c.requestId, tx), c, tx.now);
  }

  /** Logs an accepted claim and renews its lease. */
  async accepted(tx: Tx, c: ClaimIntent): Promise<void> {
    await this.leases.recordClaim(tx, { workerId: c.workerId, requestId: c.requestId, outcome: 'accepted', suspicious: false, at: tx.now });
    await this.renew(tx, c.requestId, c.workerId);
  }

  /** Renews the worker's lease on the request (a claim, a step report), if it holds one. */
  async renew(tx: Tx, requestId: string, workerId: string): Promise<void> {
    await this.leases.renew(tx, requestId, workerId, leaseExpiry(tx.now, this.cfg.SCM_CARD_LEASE_SECONDS));
  }

  /**
   * Logs a refused claim (or lease); when it is suspicious and the worker reached the threshold in
   * the window, suspends the worker. Returns whether it did (the caller then closes its channel).
   */
  async refused(tx: Tx, workerId: string, requestId: string | null, e: PersonalisationError): Promise<boolean> {
    const suspicious = SUSPICIOUS_REFUSALS.has(e.code);
    await this.leases.recordClaim(tx, { workerId, requestId, outcome: e.code, suspicious, at: tx.now });
    if (!suspicious) return false;
    const windowMinutes = this.cfg.SCM_CLAIM_REFUSALS_WINDOW_MINUTES;
    const since = new Date(tx.now.getTime() - windowMinutes * 60_000);
    const { suspicious: n } = await this.leases.claimsSince(workerId, since, tx);
    const threshold = this.cfg.SCM_WORKER_SUSPEND_AFTER_REFUSED_CLAIMS;
    if (n < threshold) return false;
    const w = await this.workers.lock(tx, workerId);
    if (w?.status !== 'approved') return false;
    await this.decisions.suspend(tx, w, 'refused-claims', { refusedClaims: n, threshold, windowMinutes, last: e.code });
    return true;
  }
}
