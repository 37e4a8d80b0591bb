import { Query } from '@nestjs/cqrs';
import type { StockCardState } from '@scm/db';

export interface StockBatchView {
  id: string;
  name: string;
  kind: string;
  vendor: string | null;
  algorithm: string;
  attestation: boolean;
  cards: number;
  counts: Record<StockCardState, number>;
  importedBy: string;
  importedAt: Date;
}

/** The registered stock batches with their cards counted by state. */
export class ListStockBatchesQuery extends Query<StockBatchView[]> {}
