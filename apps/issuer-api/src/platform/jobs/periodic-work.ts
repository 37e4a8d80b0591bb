import { Inject, Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { JOB_QUEUE, type JobName, type JobPayloads } from '@scm/queue';
import type { Logger } from 'pino';
import { BACKGROUND_WORK, LOGGER } from '../infra/tokens';
import { OutboxRelay } from '../outbox/outbox.relay';
import { PERIODIC_RUN_REPOSITORY, type PeriodicRunRepository } from '../scheduling/periodic-run.repository';
import { REPLICA_NAME, scheduledPeriod } from '../scheduling/scheduled-period';
import { JobConsumers } from './job-consumers';

/** Jobs whose payload is empty: the periodic ones. */
export type PeriodicJob = { [J in JobName]: JobPayloads[J] extends Record<string, never> ? J : never }[JobName];

/**
 * Periodic work as BullMQ job schedulers: one job per period across every API replica (the
 * scheduler lives in Redis, and BullMQ adds each iteration's job once, under an id naming its due
 * time). Schedulers are written at start-up and again after Redis lost them (the outbox relay
 * notices a flush). There is no leader to lose: whichever replica's consumer is free takes the
 * period's job, so when one replica dies the others run the next period.
 *
 * PostgreSQL records every period a replica takes (periodic_run; a period is a slot of the wall
 * clock, see scheduledPeriod): the first to insert its row runs it, so a job BullMQ hands out a
 * second time — a stalled job of a replica that died mid-run, moved back to wait — or the first
 * iteration of a scheduler written anew after Redis lost it does not run the period again; the
 * next period does what it left.
 */
@Injectable()
export class PeriodicWork implements OnApplicationBootstrap {
  private readonly schedules = new Map<PeriodicJob, number>();

  constructor(
    private readonly jobs: JobConsumers,
    private readonly relay: OutboxRelay,
    @Inject(PERIODIC_RUN_REPOSITORY) private readonly runs: PeriodicRunRepository,
    @Inject(LOGGER) private readonly log: Logger,
    @Inject(BACKGROUND_WORK) private readonly background: boolean,
  ) {
    if (background) relay.onRedisReset(() => this.schedule());
  }

  /** Runs `fn` every `ms` milliseconds (once per period across replicas); call while initialising. */
  every(job: PeriodicJob, ms: number, owner: string, fn: () => Promise<void>): void {
    if (!Number.isFinite(ms) || ms < 100) throw new Error(`periodic job "${job}" needs a period of at least 100 ms, got ${ms}`);
    const every = Math.round(ms);
    this.jobs.on(job, owner, async (_payload, ctx) => {
      const period = scheduledPeriod(ctx.id, job, every);
      // A job no scheduler made (an operator's one-off) has no period to take: it just runs.
      if (period === undefined) return fn();
      if (!(await this.runs.take(job, period, REPLICA_NAME))) {
        this.log.info({ job, period: period.toISOString() }, 'periodic job already ran for this period; skipped');
        return;
      }
      const t0 = Date.now();
      try {
        await fn();
      } catch (e) {
        await this.runs.finish(job, period, 'failed').catch(() => undefined);
        throw e;
      }
      await this.runs.finish(job, period, 'done');
      this.log.info({ job, period: period.toISOString(), replica: REPLICA_NAME, ms: Date.now() - t0 }, 'periodic job ran');
    });
    this.schedules.set(job, every);
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
