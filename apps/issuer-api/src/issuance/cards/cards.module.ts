import { Module } from '@nestjs/common';
import { CaModule } from '../../pki/ca.module';
import { CARD_REPOSITORY } from './card.repository';
import { CardLifecycleService } from './card-lifecycle.service';
import { CardsController } from './cards.controller';
import { PgCardRepository } from './pg-card.repository';

/** Cards and their lifecycle (driven by personalisation and the help desk). */
@Module({
  imports: [CaModule],
  controllers: [CardsController],
  providers: [{ provide: CARD_REPOSITORY, useClass: PgCardRepository }, CardLifecycleService],
  exports: [CARD_REPOSITORY, CardLifecycleService],
})
export class CardsModule {}
