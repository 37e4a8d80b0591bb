import { Module } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { CaModule } from '../../pki/ca.module';
import { CARD_REPOSITORY } from './card.repository';
import { CardLifecycleService } from './card-lifecycle.service';
import { PgCardRepository } from './pg-card.repository';
import { ShowCardController } from './show-card/show-card.controller';
import { ShowCardHandler } from './show-card/show-card.handler';
import { ShowCardLifecycleController } from './show-card-lifecycle/show-card-lifecycle.controller';
import { ShowCardLifecycleHandler } from './show-card-lifecycle/show-card-lifecycle.handler';

/** Cards and their lifecycle (driven by personalisation and the help desk). */
@Module({
  imports: [CqrsModule, CaModule],
  // The lifecycle's fixed path is registered before `cards/:id`.
  controllers: [ShowCardLifecycleController, ShowCardController],
  providers: [{ provide: CARD_REPOSITORY, useClass: PgCardRepository }, CardLifecycleService, ShowCardHandler, ShowCardLifecycleHandler],
  exports: [CARD_REPOSITORY, CardLifecycleService],
})
export class CardsModule {}
