import { Module } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { CaModule } from '../../pki/ca.module';
import { CARD_REPOSITORY } from './card.repository';
import { CardLifecycleService } from './card-lifecycle.service';
import { CARD_VIEWS_REPOSITORY } from './card-views.repository';
import { ListCardsController } from './list-cards/list-cards.controller';
import { ListCardsHandler } from './list-cards/list-cards.handler';
import { PgCardRepository } from './pg-card.repository';
import { PgCardViewsRepository } from './pg-card-views.repository';
import { ShowCardEscrowController } from './show-card-escrow/show-card-escrow.controller';
import { ShowCardEscrowHandler } from './show-card-escrow/show-card-escrow.handler';
import { ShowCardController } from './show-card/show-card.controller';
import { ShowCardHandler } from './show-card/show-card.handler';
import { ShowCardLifecycleController } from './show-card-lifecycle/show-card-lifecycle.controller';
import { ShowCardLifecycleHandler } from './show-card-lifecycle/show-card-lifecycle.handler';

/** Cards and their lifecycle (driven by personalisation and the help desk). */
@Module({
  imports: [CqrsModule, CaModule],
  // The lifecycle's fixed path is registered before `cards/:id`.
  controllers: [ShowCardLifecycleController, ListCardsController, ShowCardEscrowController, ShowCardController],
  providers: [
    { provide: CARD_REPOSITORY, useClass: PgCardRepository },
    { provide: CARD_VIEWS_REPOSITORY, useClass: PgCardViewsRepository },
    CardLifecycleService,
    ShowCardHandler,
    ShowCardLifecycleHandler,
    ListCardsHandler,
    ShowCardEscrowHandler,
  ],
  exports: [CARD_REPOSITORY, CardLifecycleService],
})
export class CardsModule {}
