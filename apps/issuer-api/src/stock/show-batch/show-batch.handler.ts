import { X509Certificate } from 'node:crypto';
import { Inject } from '@nestjs/common';
import { type IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { batchView } from '../list-batches/list-batches.handler';
import { StockError, StockErrorCode } from '../stock-errors';
import { STOCK_REPOSITORY, type StockRepository } from '../stock.repository';
import { type StockBatchDetail, ShowStockBatchQuery } from './show-batch.query';

@QueryHandler(ShowStockBatchQuery)
export class ShowStockBatchHandler implements IQueryHandler<ShowStockBatchQuery, StockBatchDetail> {
  constructor(@Inject(STOCK_REPOSITORY) private readonly stock: StockRepository) {}

  async execute(q: ShowStockBatchQuery): Promise<StockBatchDetail> {
    const b = await this.stock.batchByName(q.name);
    if (!b) throw new StockError(StockErrorCode.NotFound, `no stock batch ${q.name} (see "scm stock list")`, { name: q.name });
    const counts = (await this.stock.counts()).find((c) => c.batchId === b.id)!.counts;
    return {
      ...batchView(b, counts),
      manifestSha256: b.manifestSha256?.toString('hex') ?? null,
      wrappingKey: b.wrappingKey,
      attestationRoot: b.attestationRoot ? new X509Certificate(b.attestationRoot).toString() : null,
      cardList: await this.stock.cardsOf(b.id),
    };
  }
}
