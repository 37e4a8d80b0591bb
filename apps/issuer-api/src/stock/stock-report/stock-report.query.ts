import { Query } from '@nestjs/cqrs';
import type { StockCardState } from '@scm/db';

export interface StockReport {
  batches: Array<{ name: string; kind: string; counts: Record<StockCardState, number>; total: number }>;
  totals: Record<StockCardState, number>;
  total: number;
}

/** Cards of every batch counted by state (in-stock, bound, issued, spoiled, destroyed), with totals. */
export class StockReportQuery extends Query<StockReport> {}
