import { Global, Module } from '@nestjs/common';
import { MaintenanceProcessor } from './maintenance.processor';
import { OutboxRelay } from './outbox.relay';
import { OutboxService } from './outbox.service';

@Global()
@Module({ providers: [OutboxRelay, OutboxService, MaintenanceProcessor], exports: [OutboxRelay, OutboxService, MaintenanceProcessor] })
export class OutboxModule {}
