import { Module, type OnModuleInit } from '@nestjs/common';
import { ApprovalsService } from '../trust/approvals/approvals.service';
import { CommandBus, CqrsModule } from '@nestjs/cqrs';
import { CardholdersModule } from '../issuance/cardholders/cardholders.module';
import { CardsModule } from '../issuance/cards/cards.module';
import { IssuanceModule } from '../issuance/requests/issuance.module';
import { VscEscrowModule } from '../issuance/vsc-escrow/vsc-escrow.module';
import { CardCertificatesService } from '../personalisation/card-certificates.service';
import { CardSecretsService } from '../personalisation/card-secrets.service';
import { CaModule } from '../pki/ca.module';
import { PeriodicWork } from '../platform/jobs/periodic-work';
import { CLOCK } from '../platform/infra/tokens';
import { EXPIRY_CLOCK, expiryClockFrom } from './expiry-clock';
import { systemActor } from '../trust/auth/principal';
import { WorkersModule } from '../trust/workers/workers.module';
import { CancelCardUpdateController } from './cancel-card-update/cancel-card-update.controller';
import { CancelCardUpdateHandler } from './cancel-card-update/cancel-card-update.handler';
import { ApproveCardUpdateController } from './approve-card-update/approve-card-update.controller';
import { ApproveCardUpdateHandler } from './approve-card-update/approve-card-update.handler';
import { CardUpdateCryptogramsController } from './card-update-cryptograms/card-update-cryptograms.controller';
import { CardUpdateCryptogramsHandler } from './card-update-cryptograms/card-update-cryptograms.handler';
import { CARD_UPDATE_REPOSITORY } from './card-update.repository';
import { CardUpdatePreparation } from './card-update-preparation.service';
import { CardUpdateQueue } from './card-update-queue.service';
import { ChangeCardholderIdentityController } from './change-cardholder-identity/change-cardholder-identity.controller';
import { ChangeCardholderIdentityHandler } from './change-cardholder-identity/change-cardholder-identity.handler';
import { IDENTITY_CHANGE_KIND, IdentityChangeApproval } from './change-cardholder-identity/identity-change-approval';
import { CertifyUpdateKeyController } from './certify-update-key/certify-update-key.controller';
import { CertifyUpdateKeyHandler } from './certify-update-key/certify-update-key.handler';
import { CompleteCardUpdateController } from './complete-card-update/complete-card-update.controller';
import { CompleteCardUpdateHandler } from './complete-card-update/complete-card-update.handler';
import { ListCardUpdatesHandler } from './list-card-updates/list-card-updates.handler';
import { OfferCardUpdateController } from './offer-card-update/offer-card-update.controller';
import { OfferCardUpdateHandler } from './offer-card-update/offer-card-update.handler';
import { PgCardUpdateRepository } from './pg-card-update.repository';
import { QueueCardUpdateController } from './queue-card-update/queue-card-update.controller';
import { QueueCardUpdateHandler } from './queue-card-update/queue-card-update.handler';
import { StopCardUpdateController } from './stop-card-update/stop-card-update.controller';
import { StopCardUpdateHandler } from './stop-card-update/stop-card-update.handler';
import { SweepCardExpiryCommand } from './sweep-card-expiry/sweep-card-expiry.command';
import { RENEWAL_WINDOW_DAYS, SweepCardExpiryController } from './sweep-card-expiry/sweep-card-expiry.controller';
import { SweepCardExpiryHandler } from './sweep-card-expiry/sweep-card-expiry.handler';

const DAY_MS = 86_400_000;

/**
 * Updates of issued cards (docs/card-updates.md): officers (and the daily expiry sweep) queue
 * renewals, new keys and data objects; a card worker runs them the next time the card is in one
 * of its readers, under the card's diversified management key, with a new escrowed VSC version.
 */
@Module({
  imports: [CqrsModule, CaModule, CardsModule, CardholdersModule, IssuanceModule, VscEscrowModule, WorkersModule],
  controllers: [
    ChangeCardholderIdentityController,
    SweepCardExpiryController,
    ApproveCardUpdateController,
    CancelCardUpdateController,
    QueueCardUpdateController,
    OfferCardUpdateController,
    CardUpdateCryptogramsController,
    CertifyUpdateKeyController,
    CompleteCardUpdateController,
    StopCardUpdateController,
  ],
  providers: [
    { provide: CARD_UPDATE_REPOSITORY, useClass: PgCardUpdateRepository },
    { provide: EXPIRY_CLOCK, useFactory: expiryClockFrom, inject: [CLOCK] },
    CardCertificatesService,
    CardSecretsService,
    CardUpdatePreparation,
    CardUpdateQueue,
    IdentityChangeApproval,
    ChangeCardholderIdentityHandler,
    QueueCardUpdateHandler,
    ApproveCardUpdateHandler,
    CancelCardUpdateHandler,
    ListCardUpdatesHandler,
    OfferCardUpdateHandler,
    CardUpdateCryptogramsHandler,
    CertifyUpdateKeyHandler,
    CompleteCardUpdateHandler,
    StopCardUpdateHandler,
    SweepCardExpiryHandler,
  ],
  exports: [CARD_UPDATE_REPOSITORY, EXPIRY_CLOCK],
})
export class CardUpdatesModule implements OnModuleInit {
  constructor(
    private readonly commands: CommandBus,
    private readonly periodic: PeriodicWork,
    private readonly approvals: ApprovalsService,
    private readonly identityChanges: IdentityChangeApproval,
  ) {}

  onModuleInit(): void {
    this.approvals.register(IDENTITY_CHANGE_KIND, (tx, req) => this.identityChanges.execute(tx, req));
    this.periodic.every('sweep-card-expiry', DAY_MS, CardUpdatesModule.name, async () => {
      await this.commands.execute(new SweepCardExpiryCommand(RENEWAL_WINDOW_DAYS, systemActor('card-expiry')));
    });
  }
}
