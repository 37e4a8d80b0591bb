import { Module } from '@nestjs/common';
import { CaModule } from '../../pki/ca.module';
import { CardLifecycleService } from './card-lifecycle.service';
import { CardsController } from './cards.controller';

/** Cards and their lifecycle (driven by personalisation and the help desk). */
@Module({ imports: [CaModule], controllers: [CardsController], providers: [CardLifecycleService], exports: [CardLifecycleService] })
export class CardsModule {}
