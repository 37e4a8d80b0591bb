import { Inject, Module, type OnModuleInit } from '@nestjs/common';
import { CommandBus, CqrsModule } from '@nestjs/cqrs';
import { CardsModule } from '../../issuance/cards/cards.module';
import { IssuanceModule } from '../../issuance/requests/issuance.module';
import { VscEscrowModule } from '../../issuance/vsc-escrow/vsc-escrow.module';
import { API_CONFIG, type ApiConfig } from '../../platform/config/api-config';
import { PeriodicWork } from '../../platform/jobs/periodic-work';
import { ApprovalsService } from '../../trust/approvals/approvals.service';
import { CardReportsModule } from '../card-reports/card-reports.module';
import { HelpdeskSharedModule } from '../shared/help-desk-shared.module';
import { TemporaryCardsModule } from '../temporary-cards/temporary-cards.module';
import { CompleteReissuesCommand } from './complete-reissues/complete-reissues.command';
import { CompleteReissuesHandler } from './complete-reissues/complete-reissues.handler';
import { ListReissuesController } from './list-reissues/list-reissues.controller';
import { ListReissuesHandler } from './list-reissues/list-reissues.handler';
import { PgReissueRepository } from './pg-reissue.repository';
import { PgReissueViewRepository } from './pg-reissue-views.repository';
import { REISSUE_KIND } from './reissue-approval';
import { REISSUE_REPOSITORY } from './reissue.repository';
import { REISSUE_VIEW_REPOSITORY } from './reissue-views.repository';
import { RequestReissueController } from './request-reissue/request-reissue.controller';
import { RequestReissueHandler } from './request-reissue/request-reissue.handler';
import { ShowReissueController } from './show-reissue/show-reissue.controller';
import { ShowReissueHandler } from './show-reissue/show-reissue.handler';
import { StartReissue } from './start-reissue/start-reissue.service';

/**
 * Reissue (design.md, flow 3) of a reported card from its escrow onto a new card: after m-of-n
 * approval a new request whose VSC — a new one, with a new GUID — is made from the old card's
 * escrow goes the ordinary way to a card worker; once the new card is issued, the old card becomes
 * `replaced` and temporary cards standing in for it are revoked.
 */
@Module({
  imports: [CqrsModule, CardsModule, VscEscrowModule, IssuanceModule, CardReportsModule, TemporaryCardsModule, HelpdeskSharedModule],
  controllers: [RequestReissueController, ListReissuesController, ShowReissueController],
  providers: [
    { provide: REISSUE_REPOSITORY, useClass: PgReissueRepository },
    { provide: REISSUE_VIEW_REPOSITORY, useClass: PgReissueViewRepository },
    StartReissue,
    RequestReissueHandler,
    CompleteReissuesHandler,
    ListReissuesHandler,
    ShowReissueHandler,
  ],
})
export class ReissueModule implements OnModuleInit {
  constructor(
    private readonly approvals: ApprovalsService,
    private readonly start: StartReissue,
    private readonly commands: CommandBus,
    private readonly periodic: PeriodicWork,
    @Inject(API_CONFIG) private readonly cfg: ApiConfig,
  ) {}

  onModuleInit(): void {
    this.approvals.register(REISSUE_KIND, (tx, approval) => this.start.execute(tx, approval));
    this.periodic.every('sweep-reissues', this.cfg.SCM_HELPDESK_SWEEP_SECONDS * 1000, ReissueModule.name, async () => {
      await this.commands.execute(new CompleteReissuesCommand());
    });
  }
}
