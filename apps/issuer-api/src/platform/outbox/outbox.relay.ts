import { Inject, Injectable, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { settleWithin } from '../infra/settle';
import { QUEUES, type QueueName } from '@scm/queue';
import { Queue } from 'bullmq';
import type Redis from 'ioredis';
import type { Logger } from 'pino';
import { API_CONFIG, type ApiConfig } from '../config/api-config';
import { BACKGROUND_WORK, LOGGER } from '../infra/tokens';
import { OutboxSignal } from '../infra/unit-of-work';
import { bullConnection } from './bullmq-connection';
import { OUTBOX_REPOSITORY, type OutboxRecord, type OutboxRepository } from './outbox.repository';

export const JOB_OPTIONS = {
  attempts: 5,
  backoff: { type: 'exponential', delay: 2000 },
  removeOnComplete: { age: 3600 },
  removeOnFail: { age: 7 * 86400 },
} as const;

/**
 * Relays committed outbox rows to BullMQ, and puts pending work back when Redis lost it.
 * PostgreSQL is the system of record: a row is pending until its job reports done (done_at).
 * Redis flush is detected by a sentinel key the relay writes; when it vanishes, every pending row
 * is queued again under its deterministic job id (BullMQ ignores ids it already holds).
 */
@Injectable()
export class OutboxRelay implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly conn: Redis;
  private readonly queues = new Map<QueueName, Queue>();
  private pollTimer: NodeJS.Timeout | undefined;
  private reconcileTimer: NodeJS.Timeout | undefined;
  private busy: Promise<void> = Promise.resolve();
  private again = false;
  private stopped = false;
  private lastError: string | undefined;
  private readonly resetListeners: Array<() => Promise<void>> = [];
  readonly stats = { relayed: 0, requeued: 0 };

  constructor(
    @Inject(OUTBOX_REPOSITORY) private readonly outbox: OutboxRepository,
    @Inject(API_CONFIG) private readonly cfg: ApiConfig,
    @Inject(LOGGER) private readonly log: Logger,
    signal: OutboxSignal,
    @Inject(BACKGROUND_WORK) private readonly background: boolean,
  ) {
    this.conn = bullConnection(cfg.SCM_REDIS_URL, 'scm-outbox-relay');
    for (const q of Object.values(QUEUES)) {
      // Redis going away is handled by the relay's own retries; a queue must not report it as unhandled.
      const queue = new Queue(q, { connection: this.conn, prefix: cfg.SCM_REDIS_PREFIX }).on('error', () => undefined);
      this.queues.set(q, queue);
    }
    signal.onKick(() => this.kick());
  }

  private get sentinel(): string {
    return `${this.cfg.SCM_REDIS_PREFIX}:outbox:epoch`;
  }

  queue(name: QueueName): Queue {
    return this.queues.get(name)!;
  }

  /** Runs `fn` whenever Redis (re)connects or was found flushed: what lives only in Redis must be written again. */
  onRedisReset(fn: () => Promise<void>): void {
    this.resetListeners.push(fn);
  }

  private redisReset(): void {
    for (const fn of this.resetListeners) void fn().catch(() => undefined);
  }

  onApplicationBootstrap(): void {
    // A one-shot server command relays what it commits (kick); the API's relay polls and reconciles.
    if (!this.background) return;
    this.pollTimer = setInterval(() => this.kick(), this.cfg.SCM_OUTBOX_POLL_MS);
    this.reconcileTimer = setInterval(() => void this.reconcile().catch(() => undefined), this.cfg.SCM_RECONCILE_SECONDS * 1000);
    this.conn.on('ready', () => {
      this.redisReset();
      void this.reconcile().catch(() => undefined);
    });
    this.kick();
  }

  async onModuleDestroy(): Promise<void> {
    this.stopped = true;
    clearInterval(this.pollTimer);
    clearInterval(this.reconcileTimer);
    await this.busy.catch(() => undefined);
    // A queue whose connection is still starting (its version check in flight) reports the cut
    // connection after close() dropped its listeners (an unhandled 'error'): let it finish first.
    await Promise.all([...this.queues.values()].map((q) => settleWithin(q.waitUntilReady(), 3_000)));
    await Promise.all([...this.queues.values()].map((q) => q.close().catch(() => undefined)));
    this.conn.disconnect();
  }

  /** Runs a relay pass now (coalescing concurrent kicks). */
  kick(): void {
    if (this.stopped) return;
    this.again = true;
    this.busy = this.busy.then(async () => {
      while (this.again && !this.stopped) {
        this.again = false;
        try {
          while ((await this.relayBatch()) > 0 && !this.stopped) this.lastError = undefined;
        } catch (e) {
          const msg = (e as Error).message;
          if (msg !== this.lastError) this.log.warn({ err: msg }, 'outbox relay pass failed; retrying');
          this.lastError = msg;
        }
      }
    });
  }

  /** Waits for the relay to go idle (tests, shutdown). */
  idle(): Promise<void> {
    return this.busy;
  }

  private async relayBatch(): Promise<number> {
    if (this.conn.status !== 'ready') return 0;
    const n = await this.outbox.relay(500, (rows) => this.add(rows));
    this.stats.relayed += n;
    return n;
  }

  private async add(rows: OutboxRecord[]): Promise<void> {
    const byQueue = new Map<QueueName, OutboxRecord[]>();
    for (const r of rows) byQueue.set(r.queue as QueueName, [...(byQueue.get(r.queue as QueueName) ?? []), r]);
    for (const [q, list] of byQueue) {
      await this.queue(q).addBulk(list.map((r) => ({ name: r.jobName, data: r.payload, opts: { ...JOB_OPTIONS, jobId: r.jobId } })));
    }
  }

  /**
   * Re-queues pending work that Redis no longer holds: everything pending after a flush (sentinel
   * gone), and otherwise rows relayed over a minute ago whose job is missing.
   */
  async reconcile(): Promise<number> {
    if (this.stopped || this.conn.status !== 'ready') return 0;
    const epoch = await this.conn.get(this.sentinel);
    let requeued = 0;
    let lastId = '0';
    for (;;) {
      const rows = await this.outbox.relayedPending(lastId, 1000, epoch ? 60 : undefined);
      if (rows.length === 0) break;
      lastId = rows[rows.length - 1].id;
      const missing: OutboxRecord[] = [];
      for (const r of rows) if (!epoch || !(await this.queue(r.queue as QueueName).getJob(r.jobId))) missing.push(r);
      if (missing.length) await this.add(missing);
      requeued += missing.length;
    }
    if (!epoch) {
      await this.conn.set(this.sentinel, new Date().toISOString());
      this.redisReset();
    }
    if (requeued) {
      this.stats.requeued += requeued;
      this.log.warn({ requeued, flushed: !epoch }, 'pending work re-queued from PostgreSQL');
    }
    return requeued;
  }
}
