import { Inject, Injectable } from '@nestjs/common';
import type { Tx } from '../../platform/infra/unit-of-work';
import { SessionService } from '../auth/session.service';
import { type WorkerView, toWorkerView } from './worker-view';
import { type CardWorker, WORKER_REPOSITORY, type WorkerRepository } from './worker.repository';

/** An officer's decision on a worker, shared by approval and revocation: written, its sessions ended on revocation, audited. */
@Injectable()
export class WorkerDecisionService {
  constructor(
    @Inject(WORKER_REPOSITORY) private readonly workers: WorkerRepository,
    private readonly sessions: SessionService,
  ) {}

  async record(tx: Tx, w: CardWorker, status: 'approved' | 'revoked', officerId: string): Promise<WorkerView> {
    const updated = await this.workers.decide(tx, w.id, status, officerId);
    if (status === 'revoked') await this.sessions.revokeAllOf(tx, 'worker', w.id);
    tx.audit({
      action: `worker.${status}`,
      targetType: 'worker',
      targetId: w.id,
      outcome: 'success',
      details: { name: w.name, fingerprint: w.fingerprint, previous: w.status },
    });
    return toWorkerView(updated ?? { ...w, status, decidedBy: officerId, decidedAt: tx.now });
  }

  /**
   * The API suspends an approved worker that misbehaves (an alarm, audited as `worker.suspended`):
   * its sessions end now, it may not log in again until an officer approves it again. The caller
   * closes its channel once the transaction committed.
   */
  async suspend(tx: Tx, w: CardWorker, reason: string, details: Record<string, unknown> = {}): Promise<void> {
    if (w.status !== 'approved') return;
    await this.workers.suspend(tx, w.id, reason);
    const sessions = await this.sessions.revokeAllOf(tx, 'worker', w.id);
    tx.audit({
      action: 'worker.suspended',
      targetType: 'worker',
      targetId: w.id,
      outcome: 'success',
      details: { ...details, reason, name: w.name, fingerprint: w.fingerprint, sessionsEnded: sessions },
    });
  }
}
