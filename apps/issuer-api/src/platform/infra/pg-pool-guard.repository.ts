import { Inject, Injectable, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import type { Logger } from 'pino';
import type { DataSource } from 'typeorm';
import { API_CONFIG, type ApiConfig } from '../config/api-config';
import { type PoolCounters, watchPool } from '../metrics/metrics';
import { DATA_SOURCE, LOGGER } from './tokens';
import { guardSecondConnections } from './tx-guard';

/**
 * Reports (or, with SCM_TX_GUARD=refuse, refuses) a second pool connection taken inside a unit of
 * work, and shows the pool's counters in /metrics (scm_db_pool_connections).
 */
@Injectable()
export class PgPoolGuard implements OnModuleInit, OnModuleDestroy {
  private readonly seen = new Set<string>();
  private unwatch: (() => void) | undefined;
  constructor(
    @Inject(DATA_SOURCE) private readonly ds: DataSource,
    @Inject(API_CONFIG) private readonly cfg: ApiConfig,
    @Inject(LOGGER) private readonly log: Logger,
  ) {}
  onModuleInit(): void {
    guardSecondConnections(this.ds, (e) => {
      const site = e.stack?.split('\n').slice(2, 24).join('\n') ?? e.message;
      if (!this.seen.has(site)) {
        this.seen.add(site);
        this.log.error({ err: e.message, stack: site }, 'second pool connection inside a transaction');
      }
      if (this.cfg.SCM_TX_GUARD === 'refuse') throw e;
    });
    const driver = this.ds.driver as { master?: PoolCounters };
    this.unwatch = watchPool(() => driver.master);
  }
  onModuleDestroy(): void {
    this.unwatch?.();
  }
}
