import { Module, type OnModuleInit } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { TemporaryCardsModule } from '../help-desk/temporary-cards/temporary-cards.module';
import { CardsModule } from '../issuance/cards/cards.module';
import { IssuanceModule } from '../issuance/requests/issuance.module';
import { VscEscrowModule } from '../issuance/vsc-escrow/vsc-escrow.module';
import { CaModule } from '../pki/ca.module';
import { EscrowPurgeService } from './escrow-purge.service';
import { LeaverService } from './leaver.service';
import { PgTerminationRepository } from './pg-termination.repository';
import { ProposeEscrowPurgeController } from './propose-escrow-purge/propose-escrow-purge.controller';
import { ProposeEscrowPurgeHandler } from './propose-escrow-purge/propose-escrow-purge.handler';
import { ShowTerminationController } from './show-termination/show-termination.controller';
import { ShowTerminationHandler } from './show-termination/show-termination.handler';
import { TerminateCardholderController } from './terminate-cardholder/terminate-cardholder.controller';
import { TerminateCardholderHandler } from './terminate-cardholder/terminate-cardholder.handler';
import { TERMINATION_REPOSITORY } from './termination.repository';

/** Leavers (docs/lifecycle.md): termination of a cardholder, and the purge of their escrow under dual control. */
@Module({
  imports: [CqrsModule, CaModule, CardsModule, IssuanceModule, VscEscrowModule, TemporaryCardsModule],
  controllers: [TerminateCardholderController, ProposeEscrowPurgeController, ShowTerminationController],
  providers: [
    { provide: TERMINATION_REPOSITORY, useClass: PgTerminationRepository },
    LeaverService,
    EscrowPurgeService,
    TerminateCardholderHandler,
    ProposeEscrowPurgeHandler,
    ShowTerminationHandler,
  ],
})
export class LifecycleModule implements OnModuleInit {
  constructor(private readonly purges: EscrowPurgeService) {}

  onModuleInit(): void {
    this.purges.register();
  }
}
