import { Inject, Injectable } from '@nestjs/common';
import type Redis from 'ioredis';
import type { HsmHandle } from '../infra/infra.module';
import { HSM, REDIS } from '../infra/tokens';
import { HEALTH_REPOSITORY, type HealthRepository } from './health.repository';

export interface CheckResult {
  status: 'up' | 'down';
  latencyMs: number;
  error?: string;
}

export interface HealthReport {
  status: 'ok' | 'error';
  checks: { database: CheckResult; redis: CheckResult; hsm: CheckResult };
}

const CHECK_TIMEOUT_MS = 2000;

async function timed(fn: () => Promise<unknown> | unknown): Promise<CheckResult> {
  const t0 = performance.now();
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      Promise.resolve().then(fn),
      new Promise((_, rej) => {
        timer = setTimeout(() => rej(new Error(`no answer within ${CHECK_TIMEOUT_MS} ms`)), CHECK_TIMEOUT_MS);
      }),
    ]);
    return { status: 'up', latencyMs: Math.round(performance.now() - t0) };
  } catch (e) {
    return { status: 'down', latencyMs: Math.round(performance.now() - t0), error: (e as Error).message.split('\n')[0] };
  } finally {
    clearTimeout(timer);
  }
}

/** Readiness of the parts the API cannot work without: PostgreSQL, Redis and the HSM. */
@Injectable()
export class HealthService {
  constructor(
    @Inject(HEALTH_REPOSITORY) private readonly db: HealthRepository,
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(HSM) private readonly hsm: HsmHandle,
  ) {}

  async check(): Promise<HealthReport> {
    const [database, redis, hsm] = await Promise.all([
      timed(() => this.db.ping()),
      timed(() => this.redis.ping()),
      timed(async () => {
        try {
          return await this.hsm.get().ping();
        } catch (e) {
          this.hsm.reset();
          throw e;
        }
      }),
    ]);
    const ok = [database, redis, hsm].every((c) => c.status === 'up');
    return { status: ok ? 'ok' : 'error', checks: { database, redis, hsm } };
  }
}
