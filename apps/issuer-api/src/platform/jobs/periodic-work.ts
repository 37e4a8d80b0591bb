import { Inject, Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { JOB_QUEUE, type JobName, type JobPayloads } from '@scm/queue';
import { BACKGROUND_WORK } from '../infra/tokens';
import { OutboxRelay } from '../outbox/outbox.relay';
import { JobConsumers } from './job-consumers';

/** Jobs whose payload is empty: the periodic ones. */
export type PeriodicJob = { [J in JobName]: JobPayloads[J] extends Record<string, never> ? J : never }[JobName];

/**
 * Periodic work as BullMQ job schedulers: one job per period across every API replica (the
 * scheduler lives in Redis, and BullMQ adds each iteration's job once). Schedulers are written at
 * start-up and again after Redis lost them (the outbox relay notices a flush).
 */
@Injectable()
export class PeriodicWork implements OnApplicationBootstrap {
  private readonly schedules = new Map<PeriodicJob, number>();

  constructor(
    private readonly jobs: JobConsumers,
    private readonly relay: OutboxRelay,
    @Inject(BACKGROUND_WORK) private readonly background: boolean,
  ) {
    if (background) relay.onRedisReset(() => this.schedule());
  }

  /** Runs `fn` every `ms` milliseconds (once per period across replicas); call while initialising. */
  every(job: PeriodicJob, ms: number, owner: string, fn: () => Promise<void>): void {
    if (!Number.isFinite(ms) || ms < 100) throw new Error(`periodic job "${job}" needs a period of at least 100 ms, got ${ms}`);
    this.jobs.on(job, owner, fn);
    this.schedules.set(job, Math.round(ms));
  }

  onApplicationBootstrap(): void {
    if (this.background) void this.schedule();
  }

  /** Writes (or updates) every job scheduler; a Redis that is down is retried at its reset. */
  async schedule(): Promise<void> {
    for (const [job, every] of this.schedules) {
      await this.relay
        .queue(JOB_QUEUE[job])
        .upsertJobScheduler(job, { every }, { name: job, data: {}, opts: { removeOnComplete: true, removeOnFail: 100 } })
        .catch(() => undefined);
    }
  }
}
