import { Inject, Module, type OnModuleInit } from '@nestjs/common';
import { CommandBus, CqrsModule } from '@nestjs/cqrs';
import { VscEscrowModule } from '../../issuance/vsc-escrow/vsc-escrow.module';
import { CaModule } from '../../pki/ca.module';
import { API_CONFIG, type ApiConfig } from '../../platform/config/api-config';
import { JobConsumers } from '../../platform/jobs/job-consumers';
import { PeriodicWork } from '../../platform/jobs/periodic-work';
import { ApprovalsService } from '../../trust/approvals/approvals.service';
import { WorkersModule } from '../../trust/workers/workers.module';
import { HelpdeskSharedModule } from '../shared/help-desk-shared.module';
import { ActivateTemporaryCardController } from './activate-temporary-card/activate-temporary-card.controller';
import { ActivateTemporaryCardHandler } from './activate-temporary-card/activate-temporary-card.handler';
import { CheckTemporaryCardController } from './check-temporary-card/check-temporary-card.controller';
import { CheckTemporaryCardHandler } from './check-temporary-card/check-temporary-card.handler';
import { ComputeSealMacController } from './compute-seal-mac/compute-seal-mac.controller';
import { ComputeSealMacHandler } from './compute-seal-mac/compute-seal-mac.handler';
import { DeriveCardholderKeyController } from './derive-cardholder-key/derive-cardholder-key.controller';
import { DeriveCardholderKeyHandler } from './derive-cardholder-key/derive-cardholder-key.handler';
import { ExpireTemporaryCardCommand } from './expire-temporary-card/expire-temporary-card.command';
import { ExpireTemporaryCardHandler } from './expire-temporary-card/expire-temporary-card.handler';
import { ListTemporaryCardsController } from './list-temporary-cards/list-temporary-cards.controller';
import { ListTemporaryCardsHandler } from './list-temporary-cards/list-temporary-cards.handler';
import { MakeTemporaryCard } from './make-temporary-card/make-temporary-card.service';
import { PgTemporaryCardRepository } from './pg-temporary-card.repository';
import { PgTemporaryCardViewRepository } from './pg-temporary-card-views.repository';
import { QueueTemporaryCardExpiriesCommand } from './queue-temporary-card-expiries/queue-temporary-card-expiries.command';
import { QueueTemporaryCardExpiriesHandler } from './queue-temporary-card-expiries/queue-temporary-card-expiries.handler';
import { RequestTemporaryCardController } from './request-temporary-card/request-temporary-card.controller';
import { RequestTemporaryCardHandler } from './request-temporary-card/request-temporary-card.handler';
import { RevokeTemporaryCardController } from './revoke-temporary-card/revoke-temporary-card.controller';
import { RevokeTemporaryCardHandler } from './revoke-temporary-card/revoke-temporary-card.handler';
import { ServeTemporaryCardController } from './serve-temporary-card/serve-temporary-card.controller';
import { ServeTemporaryCardHandler } from './serve-temporary-card/serve-temporary-card.handler';
import { ShowActivationParametersController } from './show-activation-parameters/show-activation-parameters.controller';
import { ShowActivationParametersHandler } from './show-activation-parameters/show-activation-parameters.handler';
import { ShowTemporaryCardController } from './show-temporary-card/show-temporary-card.controller';
import { ShowTemporaryCardHandler } from './show-temporary-card/show-temporary-card.handler';
import { TEMPORARY_CARD_KIND } from './temporary-card-approval';
import { TEMPORARY_CARD_REPOSITORY } from './temporary-card.repository';
import { TemporaryCardRevocation } from './temporary-card-revocation.service';
import { TemporaryCardViews } from './temporary-card-view';
import { TEMPORARY_CARD_VIEW_REPOSITORY } from './temporary-card-views.repository';

/**
 * Temporary cards (design.md, flow 3): after m-of-n approval, a VSC made from a reported card's
 * escrow with fresh authentication and signature keys, certificates that end with it, a new GUID
 * and the recovered key-management keys; the cardholder's PIN is added at activation from an
 * Argon2id output computed on the activating terminal (the PIN stays there). One enrolled host
 * serves it; its HSM operations come to the API, bound to this VSC and refused after expiry or
 * revocation, and its PIN tries are counted here, where the host cannot roll them back.
 */
@Module({
  imports: [CqrsModule, CaModule, VscEscrowModule, WorkersModule, HelpdeskSharedModule],
  controllers: [
    RequestTemporaryCardController,
    ListTemporaryCardsController,
    ShowTemporaryCardController,
    ShowActivationParametersController,
    ActivateTemporaryCardController,
    RevokeTemporaryCardController,
    ServeTemporaryCardController,
    CheckTemporaryCardController,
    ComputeSealMacController,
    DeriveCardholderKeyController,
  ],
  providers: [
    { provide: TEMPORARY_CARD_REPOSITORY, useClass: PgTemporaryCardRepository },
    { provide: TEMPORARY_CARD_VIEW_REPOSITORY, useClass: PgTemporaryCardViewRepository },
    TemporaryCardViews,
    TemporaryCardRevocation,
    MakeTemporaryCard,
    RequestTemporaryCardHandler,
    ListTemporaryCardsHandler,
    ShowTemporaryCardHandler,
    ShowActivationParametersHandler,
    ActivateTemporaryCardHandler,
    RevokeTemporaryCardHandler,
    QueueTemporaryCardExpiriesHandler,
    ExpireTemporaryCardHandler,
    ServeTemporaryCardHandler,
    CheckTemporaryCardHandler,
    ComputeSealMacHandler,
    DeriveCardholderKeyHandler,
  ],
  exports: [TemporaryCardRevocation],
})
export class TemporaryCardsModule implements OnModuleInit {
  constructor(
    private readonly approvals: ApprovalsService,
    private readonly make: MakeTemporaryCard,
    private readonly commands: CommandBus,
    private readonly jobs: JobConsumers,
    private readonly periodic: PeriodicWork,
    @Inject(API_CONFIG) private readonly cfg: ApiConfig,
  ) {}

  onModuleInit(): void {
    this.approvals.register(TEMPORARY_CARD_KIND, (tx, approval) => this.make.execute(tx, approval));
    this.jobs.on('expire-temporary-card', TemporaryCardsModule.name, async ({ temporaryCardId }) => {
      await this.commands.execute(new ExpireTemporaryCardCommand(temporaryCardId));
    });
    this.periodic.every('sweep-temporary-cards', this.cfg.SCM_HELPDESK_SWEEP_SECONDS * 1000, TemporaryCardsModule.name, async () => {
      await this.commands.execute(new QueueTemporaryCardExpiriesCommand());
    });
  }
}
