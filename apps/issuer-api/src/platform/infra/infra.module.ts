import { Global, Inject, Module, type OnApplicationShutdown } from '@nestjs/common';
import { getDataSourceToken, TypeOrmModule } from '@nestjs/typeorm';
import { dataSourceOptions } from '@scm/db';
import { HsmContext, hsmSettingsFrom } from '@scm/hsm';
import Redis from 'ioredis';
import type { Logger } from 'pino';
import { API_CONFIG, type ApiConfig } from '../config/api-config';
import { OUTBOX_REPOSITORY } from '../outbox/outbox.repository';
import { PgOutboxRepository } from '../outbox/pg-outbox.repository';
import { ApiAuditSequencer } from './audit-sequencer.repository';
import { systemClock } from './clock.port';
import { PgNotifications } from './pg-notifications.repository';
import { PgPoolGuard } from './pg-pool-guard.repository';
import { BACKGROUND_WORK, CLOCK, DATA_SOURCE, HSM, LOGGER, REDIS } from './tokens';
import { OutboxSignal, UnitOfWork } from './unit-of-work';

/** Opens the HSM context lazily so the API starts (and reports unhealthy) when the HSM is down. */
export class HsmHandle {
  private ctx: HsmContext | undefined;
  constructor(private readonly cfg: ApiConfig) {}

  get(): HsmContext {
    if (!this.ctx) this.ctx = HsmContext.open(hsmSettingsFrom(this.cfg), { sessions: 4 });
    return this.ctx;
  }

  /** Drops a context that failed so the next use opens a fresh one. */
  reset(): void {
    this.ctx?.close();
    this.ctx = undefined;
  }
}

class InfraShutdown implements OnApplicationShutdown {
  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(HSM) private readonly hsm: HsmHandle,
  ) {}
  async onApplicationShutdown(): Promise<void> {
    this.redis.disconnect();
    this.hsm.reset();
  }
}

@Global()
@Module({})
export class InfraModule {
  static forRoot(cfg: ApiConfig, logger: Logger, opts: { background?: boolean } = {}) {
    return {
      module: InfraModule,
      imports: [TypeOrmModule.forRoot({ ...dataSourceOptions(cfg.SCM_DATABASE_URL, cfg.SCM_DATABASE_POOL), retryAttempts: 0 })],
      providers: [
        { provide: API_CONFIG, useValue: cfg },
        { provide: LOGGER, useValue: logger },
        { provide: BACKGROUND_WORK, useValue: opts.background ?? true },
        { provide: CLOCK, useValue: systemClock },
        { provide: DATA_SOURCE, useExisting: getDataSourceToken() },
        {
          provide: REDIS,
          useFactory: () =>
            new Redis(cfg.SCM_REDIS_URL, {
              lazyConnect: false,
              enableOfflineQueue: false,
              maxRetriesPerRequest: 1,
              retryStrategy: () => 1000,
              connectionName: 'scm-issuer-api',
            }).on('error', () => undefined),
        },
        { provide: HSM, useFactory: () => new HsmHandle(cfg) },
        InfraShutdown,
        PgPoolGuard,
        OutboxSignal,
        { provide: OUTBOX_REPOSITORY, useClass: PgOutboxRepository },
        ApiAuditSequencer,
        UnitOfWork,
        PgNotifications,
      ],
      exports: [
        API_CONFIG,
        LOGGER,
        BACKGROUND_WORK,
        CLOCK,
        REDIS,
        HSM,
        OutboxSignal,
        OUTBOX_REPOSITORY,
        ApiAuditSequencer,
        UnitOfWork,
        PgNotifications,
      ],
    };
  }
}
