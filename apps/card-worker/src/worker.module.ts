import { type DynamicModule, Inject, Module, type OnApplicationShutdown } from '@nestjs/common';
import Redis from 'ioredis';
import type { Logger } from 'pino';
import { ActivationSocketService } from './activation/activation-socket.service';
import { ChannelService } from './channel/channel.service';
import { EnrolmentService } from './enrolment/enrolment.service';
import { CardSlotsService } from './personalisation/card-slots.service';
import { ReaderAccessService } from './personalisation/reader-access.service';
import { WorkerApiClient } from './personalisation/worker-api.client';
import { ReadersService } from './readers/readers.service';
import { WORKER_CONFIG, WORKER_LOGGER, WORKER_REDIS, type WorkerConfig } from './worker-config';

class RedisShutdown implements OnApplicationShutdown {
  constructor(@Inject(WORKER_REDIS) private readonly redis: Redis) {}
  onApplicationShutdown(): void {
    this.redis.disconnect();
  }
}

@Module({})
export class WorkerModule {
  static forRoot(cfg: WorkerConfig, logger: Logger): DynamicModule {
    return {
      module: WorkerModule,
      providers: [
        { provide: WORKER_CONFIG, useValue: cfg },
        { provide: WORKER_LOGGER, useValue: logger },
        {
          provide: WORKER_REDIS,
          useFactory: () =>
            new Redis(cfg.SCM_REDIS_URL, {
              maxRetriesPerRequest: null,
              lazyConnect: true,
              connectionName: `scm-card-worker-${cfg.SCM_WORKSTATION}`,
            }).on('error', (e) => logger.warn({ err: e.message }, 'Redis connection error')),
        },
        RedisShutdown,
        ReadersService,
        EnrolmentService,
        ChannelService,
        WorkerApiClient,
        ReaderAccessService,
        CardSlotsService,
        ActivationSocketService,
      ],
      exports: [ReadersService, EnrolmentService, ChannelService, CardSlotsService],
    };
  }
}
