import { Inject } from '@nestjs/common';
import { type IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { STOCK_REPOSITORY, type StockBatch, type StockBatchCounts, type StockRepository } from '../stock.repository';
import { ListStockBatchesQuery, type StockBatchView } from './list-batches.query';

export function batchView(b: StockBatch, counts: StockBatchCounts['counts']): StockBatchView {
  return {
    id: b.id,
    name: b.name,
    kind: b.kind,
    vendor: b.vendor,
    algorithm: b.transportAlgorithm,
    attestation: !!b.attestationRoot,
    cards: b.cardCount,
    counts,
    importedBy: b.importedBy,
    importedAt: b.importedAt,
  };
}

@QueryHandler(ListStockBatchesQuery)
export class ListStockBatchesHandler implements IQueryHandler<ListStockBatchesQuery, StockBatchView[]> {
  constructor(@Inject(STOCK_REPOSITORY) private readonly stock: StockRepository) {}

  async execute(): Promise<StockBatchView[]> {
    const counts = new Map((await this.stock.counts()).map((c) => [c.batchId, c.counts]));
    return (await this.stock.listBatches()).map((b) => batchView(b, counts.get(b.id)!));
  }
}
