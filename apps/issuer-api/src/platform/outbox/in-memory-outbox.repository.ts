import type { JobName } from '@scm/queue';
import type { TxScope } from '../infra/unit-of-work';
import type { OutboxJob, OutboxRecord, OutboxRepository } from './outbox.repository';

/** The outbox in memory, for specs. Its clock is the caller's (`now`), where PostgreSQL uses its own. */
export class InMemoryOutboxRepository implements OutboxRepository {
  readonly rows: OutboxRecord[] = [];
  /** Every job id a unit of work marked finished (whether or not its row is here). */
  readonly finished: string[] = [];
  private nextId = 1;

  constructor(private readonly now: () => Date = () => new Date()) {}

  async insert(tx: TxScope, jobs: readonly OutboxJob[]): Promise<void> {
    for (const j of jobs) {
      if (this.rows.some((r) => r.jobId === j.id)) continue;
      this.rows.push({
        id: String(this.nextId++),
        queue: j.queue,
        jobName: j.name,
        jobId: j.id,
        payload: { ...j.payload },
        createdAt: tx.now,
        relayedAt: null,
        doneAt: null,
        attempts: 0,
        lastError: null,
      });
    }
  }

  async relay(limit: number, send: (rows: OutboxRecord[]) => Promise<void>): Promise<number> {
    const rows = this.rows.filter((r) => r.relayedAt === null).slice(0, limit);
    if (rows.length === 0) return 0;
    await send(rows.map((r) => ({ ...r })));
    for (const r of rows) Object.assign(r, { relayedAt: this.now(), attempts: r.attempts + 1 });
    return rows.length;
  }

  async markDone(jobId: string, error?: string): Promise<void> {
    for (const r of this.rows.filter((x) => x.jobId === jobId))
      Object.assign(r, { doneAt: r.doneAt ?? this.now(), lastError: error ?? null });
  }

  async finishJobs(tx: TxScope, jobIds: readonly string[]): Promise<void> {
    for (const id of jobIds) if (!this.finished.includes(id)) this.finished.push(id);
    for (const r of this.rows) if (jobIds.includes(r.jobId)) r.doneAt ??= tx.now;
  }

  async finishPending(tx: TxScope, name: JobName, match: Record<string, string>): Promise<OutboxRecord[]> {
    const hit = this.rows.filter(
      (r) => r.jobName === name && r.doneAt === null && Object.entries(match).every(([k, v]) => r.payload[k] === v),
    );
    for (const r of hit) r.doneAt = tx.now;
    return hit.map((r) => ({ ...r }));
  }

  async relayedPending(after: string, limit: number, minAgeSeconds?: number): Promise<OutboxRecord[]> {
    const before = minAgeSeconds === undefined ? undefined : this.now().getTime() - minAgeSeconds * 1000;
    return this.rows
      .filter((r) => r.doneAt === null && r.relayedAt !== null && Number(r.id) > Number(after))
      .filter((r) => before === undefined || r.relayedAt!.getTime() < before)
      .slice(0, limit)
      .map((r) => ({ ...r }));
  }

  async pendingCount(): Promise<number> {
    return this.rows.filter((r) => r.doneAt === null).length;
  }

  async reopen(jobId: string, opts: { relayAgain: boolean }): Promise<void> {
    for (const r of this.rows.filter((x) => x.jobId === jobId))
      Object.assign(r, { doneAt: null, ...(opts.relayAgain ? { relayedAt: null } : {}) });
  }
}
