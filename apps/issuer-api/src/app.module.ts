import { type DynamicModule, Module } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import type { Logger } from 'pino';
import { ApprovalsModule } from './trust/approvals/approvals.module';
import { ArchiveModule } from './archive/archive.module';
import { AuditModule } from './trust/audit/audit.module';
import { AuthModule } from './trust/auth/auth.module';
import { CaModule } from './pki/ca.module';
import { CardholdersModule } from './issuance/cardholders/cardholders.module';
import { CardsModule } from './issuance/cards/cards.module';
import type { ApiConfig } from './platform/config/api-config';
import { HealthModule } from './platform/health/health.module';
import { InfraModule } from './platform/infra/infra.module';
import { IssuanceModule } from './issuance/requests/issuance.module';
import { MetricsModule } from './platform/metrics/metrics.module';
import { OutboxModule } from './platform/outbox/outbox.module';
import { ReportsModule } from './reporting/reports.module';
import { PersonalisationModule } from './personalisation/personalisation.module';
import { ProfilesModule } from './issuance/profiles/profiles.module';
import { UsersModule } from './trust/users/users.module';
import { VscEscrowModule } from './issuance/vsc-escrow/vsc-escrow.module';
import { WorkersModule } from './trust/workers/workers.module';
import { WorkstationsModule } from './trust/workstations/workstations.module';
import { CardReportsModule } from './help-desk/card-reports/card-reports.module';
import { TemporaryCardsModule } from './help-desk/temporary-cards/temporary-cards.module';
import { ReissueModule } from './help-desk/reissue/reissue.module';
import { KeyRecoveryModule } from './help-desk/key-recovery/key-recovery.module';
import { PinUnblockModule } from './help-desk/pin-unblock/pin-unblock.module';
import { StockModule } from './stock/stock.module';
import { CardUpdatesModule } from './card-updates/card-updates.module';
import { LifecycleModule } from './lifecycle/lifecycle.module';

@Module({})
export class AppModule {
  /** The API; `background: false` for a one-shot server command (no job consumers, periodic work or relay polling). */
  static forRoot(cfg: ApiConfig, logger: Logger, opts: { background?: boolean } = {}): DynamicModule {
    return {
      module: AppModule,
      imports: [
        CqrsModule.forRoot(),
        InfraModule.forRoot(cfg, logger, opts),
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
        StockModule,
        PersonalisationModule,
        ArchiveModule,
        CardReportsModule,
        TemporaryCardsModule,
        ReissueModule,
        KeyRecoveryModule,
        PinUnblockModule,
        CardUpdatesModule,
        LifecycleModule,
        ReportsModule,
        HealthModule,
        MetricsModule,
      ],
    };
  }
}
