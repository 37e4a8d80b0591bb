import { Module, type OnModuleInit } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { CardholderApprovals } from './cardholder-approvals';
import { CARDHOLDER_REPOSITORY } from './cardholder.repository';
import { CardholderRegistry } from './cardholder-registry.service';
import { CreateCardholderController } from './create-cardholder/create-cardholder.controller';
import { CreateCardholderHandler } from './create-cardholder/create-cardholder.handler';
import { ImportCardholdersController } from './import-cardholders/import-cardholders.controller';
import { ImportCardholdersHandler } from './import-cardholders/import-cardholders.handler';
import { ListCardholdersController } from './list-cardholders/list-cardholders.controller';
import { ListCardholdersHandler } from './list-cardholders/list-cardholders.handler';
import { PgCardholderRepository } from './pg-cardholder.repository';
import { ShowCardholderController } from './show-cardholder/show-cardholder.controller';
import { ShowCardholderHandler } from './show-cardholder/show-cardholder.handler';
import { SponsorCardholderController } from './sponsor-cardholder/sponsor-cardholder.controller';
import { SponsorCardholderHandler } from './sponsor-cardholder/sponsor-cardholder.handler';

/** Cardholders: registered one by one or imported by the thousand; issuance reads them through the repository. */
@Module({
  imports: [CqrsModule],
  controllers: [
    CreateCardholderController,
    ImportCardholdersController,
    ListCardholdersController,
    ShowCardholderController,
    SponsorCardholderController,
  ],
  providers: [
    { provide: CARDHOLDER_REPOSITORY, useClass: PgCardholderRepository },
    CardholderRegistry,
    CardholderApprovals,
    SponsorCardholderHandler,
    CreateCardholderHandler,
    ImportCardholdersHandler,
    ListCardholdersHandler,
    ShowCardholderHandler,
  ],
  exports: [CARDHOLDER_REPOSITORY],
})
export class CardholdersModule implements OnModuleInit {
  constructor(private readonly approvals: CardholderApprovals) {}

  onModuleInit(): void {
    this.approvals.register();
  }
}
