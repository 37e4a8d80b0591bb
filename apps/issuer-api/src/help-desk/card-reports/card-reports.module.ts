import { Module } from '@nestjs/common';
import { CardsModule } from '../../issuance/cards/cards.module';
import { TemporaryCardsModule } from '../temporary-cards/temporary-cards.module';
import { CardReportsController } from './card-reports.controller';
import { CardReportsService } from './card-reports.service';

/** The help desk's card reports: lost, stolen, damaged, left at home, and found again. */
@Module({ imports: [CardsModule, TemporaryCardsModule], controllers: [CardReportsController], providers: [CardReportsService] })
export class CardReportsModule {}
