import { Inject } from '@nestjs/common';
import { type IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { STOCK_CARD_STATES, type StockCardState } from '@scm/db';
import { STOCK_REPOSITORY, type StockRepository } from '../stock.repository';
import { type StockReport, StockReportQuery } from './stock-report.query';

const sum = (c: Record<StockCardState, number>): number => STOCK_CARD_STATES.reduce((n, s) => n + c[s], 0);

@QueryHandler(StockReportQuery)
export class StockReportHandler implements IQueryHandler<StockReportQuery, StockReport> {
  constructor(@Inject(STOCK_REPOSITORY) private readonly stock: StockRepository) {}

  async execute(): Promise<StockReport> {
    const batches = (await this.stock.counts()).map((b) => ({ name: b.name, kind: b.kind, counts: b.counts, total: sum(b.counts) }));
    const totals = Object.fromEntries(STOCK_CARD_STATES.map((s) => [s, batches.reduce((n, b) => n + b.counts[s], 0)])) as Record<
      StockCardState,
      number
    >;
    return { batches, totals, total: sum(totals) };
  }
}
