import { type DynamicModule, Module } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import type { Logger } from 'pino';
import { ApprovalsModule } from './approvals/approvals.module';
import { ArchiveModule } from './archive/archive.module';
import { AuditModule } from './audit/audit.module';
import { AuthModule } from './auth/auth.module';
import { CaModule } from './ca/ca.module';
import { CardholdersModule } from './cardholders/cardholders.module';
import { CardsModule } from './cards/cards.module';
import type { ApiConfig } from './config/api-config';
import { HealthModule } from './health/health.module';
import { InfraModule } from './infra/infra.module';
import { IssuanceModule } from './issuance/issuance.module';
import { MetricsModule } from './metrics/metrics.module';
import { OutboxModule } from './outbox/outbox.module';
import { ReportsModule } from './reports/reports.module';
import { PersonalisationModule } from './personalisation/personalisation.module';
import { ProfilesModule } from './profiles/profiles.module';
import { UsersModule } from './users/users.module';
import { VscEscrowModule } from './vsc-escrow/vsc-escrow.module';
import { WorkersModule } from './workers/workers.module';
import { WorkstationsModule } from './workstations/workstations.module';
import { CardReportsModule } from './card-reports/card-reports.module';
import { TemporaryCardsModule } from './temporary-cards/temporary-cards.module';
import { ReissueModule } from './reissue/reissue.module';
import { KeyRecoveryModule } from './key-recovery/key-recovery.module';
import { PinUnblockModule } from './pin-unblock/pin-unblock.module';

@Module({})
export class AppModule {
  static forRoot(cfg: ApiConfig, logger: Logger): DynamicModule {
    return {
      module: AppModule,
      imports: [
        CqrsModule.forRoot(),
        InfraModule.forRoot(cfg, logger),
        AuthModule,
        ApprovalsModule,
        AuditModule,
        OutboxModule,
        UsersModule,
        WorkersModule,
        WorkstationsModule,
        CaModule,
        ProfilesModule,
        CardholdersModule,
        VscEscrowModule,
        IssuanceModule,
        CardsModule,
        PersonalisationModule,
        ArchiveModule,
        CardReportsModule,
        TemporaryCardsModule,
        ReissueModule,
        KeyRecoveryModule,
        PinUnblockModule,
        ReportsModule,
        HealthModule,
        MetricsModule,
      ],
    };
  }
}
