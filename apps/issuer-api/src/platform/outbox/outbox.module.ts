import { Global, Module } from '@nestjs/common';
import { JobConsumers } from '../jobs/job-consumers';
import { PeriodicWork } from '../jobs/periodic-work';
import { PERIODIC_RUN_REPOSITORY } from '../scheduling/periodic-run.repository';
import { PgPeriodicRunRepository } from '../scheduling/pg-periodic-run.repository';
import { OutboxRelay } from './outbox.relay';

/** The outbox relay and the API's job consumers: work committed in PostgreSQL, run through BullMQ. */
@Global()
@Module({
  providers: [OutboxRelay, JobConsumers, PeriodicWork, { provide: PERIODIC_RUN_REPOSITORY, useClass: PgPeriodicRunRepository }],
  exports: [OutboxRelay, JobConsumers, PeriodicWork],
})
export class OutboxModule {}
