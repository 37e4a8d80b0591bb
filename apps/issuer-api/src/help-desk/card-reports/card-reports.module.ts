import { Module } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { CardsModule } from '../../issuance/cards/cards.module';
import { HelpdeskSharedModule } from '../shared/help-desk-shared.module';
import { TemporaryCardsModule } from '../temporary-cards/temporary-cards.module';
import { CardFoundController } from './card-found/card-found.controller';
import { CardFoundHandler } from './card-found/card-found.handler';
import { CARD_REPORT_REPOSITORY } from './card-report.repository';
import { CARD_REPORT_VIEW_REPOSITORY } from './card-report-views.repository';
import { ListCardReportsController } from './list-card-reports/list-card-reports.controller';
import { ListCardReportsHandler } from './list-card-reports/list-card-reports.handler';
import { PgCardReportRepository } from './pg-card-report.repository';
import { PgCardReportViewRepository } from './pg-card-report-views.repository';
import { ReportCardController } from './report-card/report-card.controller';
import { ReportCardHandler } from './report-card/report-card.handler';

/**
 * The help desk's card reports: lost, stolen, damaged, left at home, and found again. A report
 * moves the card through its lifecycle; it stays open until the card is found or replaced.
 */
@Module({
  imports: [CqrsModule, CardsModule, TemporaryCardsModule, HelpdeskSharedModule],
  controllers: [ReportCardController, CardFoundController, ListCardReportsController],
  providers: [
    { provide: CARD_REPORT_REPOSITORY, useClass: PgCardReportRepository },
    { provide: CARD_REPORT_VIEW_REPOSITORY, useClass: PgCardReportViewRepository },
    ReportCardHandler,
    CardFoundHandler,
    ListCardReportsHandler,
  ],
  exports: [CARD_REPORT_REPOSITORY],
})
export class CardReportsModule {}
