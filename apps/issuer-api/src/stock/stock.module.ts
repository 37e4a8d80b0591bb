import { Module } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { CardsModule } from '../issuance/cards/cards.module';
import { IssuanceModule } from '../issuance/requests/issuance.module';
import { WorkersModule } from '../trust/workers/workers.module';
import { DestroyStockCardController } from './destroy-card/destroy-card.controller';
import { DestroyStockCardHandler } from './destroy-card/destroy-card.handler';
import { ImportStockBatchController } from './import-batch/import-batch.controller';
import { ImportStockBatchHandler } from './import-batch/import-batch.handler';
import { ListStockBatchesController } from './list-batches/list-batches.controller';
import { ListStockBatchesHandler } from './list-batches/list-batches.handler';
import { PgStockRepository } from './pg-stock.repository';
import { ProveCardController } from './prove-card/prove-card.controller';
import { ProveCardHandler } from './prove-card/prove-card.handler';
import { ShowStockBatchController } from './show-batch/show-batch.controller';
import { ShowStockBatchHandler } from './show-batch/show-batch.handler';
import { StockCardsService } from './stock-cards.service';
import { StockReportController } from './stock-report/stock-report.controller';
import { StockReportHandler } from './stock-report/stock-report.handler';
import { STOCK_REPOSITORY } from './stock.repository';
import { HsmTransportKeys, TRANSPORT_KEYS } from './transport-keys.service';

/** Card stock (docs/stock.md): batches officers register, transport keys in the HSM, cards' proofs of them. */
@Module({
  imports: [CqrsModule, IssuanceModule, WorkersModule, CardsModule],
  controllers: [
    ImportStockBatchController,
    ListStockBatchesController,
    ShowStockBatchController,
    StockReportController,
    ProveCardController,
    DestroyStockCardController,
  ],
  providers: [
    { provide: STOCK_REPOSITORY, useClass: PgStockRepository },
    { provide: TRANSPORT_KEYS, useClass: HsmTransportKeys },
    StockCardsService,
    ImportStockBatchHandler,
    ListStockBatchesHandler,
    ShowStockBatchHandler,
    StockReportHandler,
    ProveCardHandler,
    DestroyStockCardHandler,
  ],
  exports: [STOCK_REPOSITORY, StockCardsService],
})
export class StockModule {}
