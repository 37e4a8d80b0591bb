import { Global, Inject, Module, type OnApplicationShutdown } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { dataSourceOptions } from '@scm/db';
import { hsmSettingsFrom, Pkcs11Session } from '@scm/hsm';
import Redis from 'ioredis';
import type { Logger } from 'pino';
import { API_CONFIG, type ApiConfig } from '../config/api-config';
import { systemClock } from './clock.port';
import { CLOCK, HSM, LOGGER, REDIS } from './tokens';

/** Holds the HSM session lazily so the API starts (and reports unhealthy) when the HSM is down. */
export class HsmHandle {
  private session: Pkcs11Session | undefined;
  constructor(private readonly cfg: ApiConfig) {}

  get(): Pkcs11Session {
    if (!this.session) this.session = Pkcs11Session.open(hsmSettingsFrom(this.cfg));
    return this.session;
  }

  /** Drops a session that failed so the next use opens a fresh one. */
  reset(): void {
    this.session?.close();
    this.session = undefined;
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
  static forRoot(cfg: ApiConfig, logger: Logger) {
    return {
      module: InfraModule,
      imports: [TypeOrmModule.forRoot({ ...dataSourceOptions(cfg.SCM_DATABASE_URL, cfg.SCM_DATABASE_POOL), retryAttempts: 0 })],
      providers: [
        { provide: API_CONFIG, useValue: cfg },
        { provide: LOGGER, useValue: logger },
        { provide: CLOCK, useValue: systemClock },
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
      ],
      exports: [API_CONFIG, LOGGER, CLOCK, REDIS, HSM],
    };
  }
}
