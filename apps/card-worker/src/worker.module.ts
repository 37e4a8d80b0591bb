import { type DynamicModule, Module } from '@nestjs/common';
import type { Logger } from 'pino';
import { ActivationSocketService } from './activation/activation-socket.service';
import { ChannelService } from './channel/channel.service';
import { EnrolmentService } from './enrolment/enrolment.service';
import { CardSlotsService } from './personalisation/card-slots.service';
import { ReaderAccessService } from './personalisation/reader-access.service';
import { WorkerApiClient } from './personalisation/worker-api.client';
import { ReadersService } from './readers/readers.service';
import { CardUpdatesClient } from './updates/card-updates.client';
import { CardUpdatesService } from './updates/card-updates.service';
import { WORKER_CONFIG, WORKER_LOGGER, type WorkerConfig } from './worker-config';

/** A card worker talks to the API only (HTTP and its channel): no Redis, no database, no HSM. */
@Module({})
export class WorkerModule {
  static forRoot(cfg: WorkerConfig, logger: Logger): DynamicModule {
    return {
      module: WorkerModule,
      providers: [
        { provide: WORKER_CONFIG, useValue: cfg },
        { provide: WORKER_LOGGER, useValue: logger },
        ReadersService,
        EnrolmentService,
        ChannelService,
        WorkerApiClient,
        ReaderAccessService,
        CardUpdatesClient,
        CardUpdatesService,
        CardSlotsService,
        ActivationSocketService,
      ],
      exports: [ReadersService, EnrolmentService, ChannelService, CardSlotsService, CardUpdatesService],
    };
  }
}
