import { Query } from '@nestjs/cqrs';
import type { StockBatchView } from '../list-batches/list-batches.query';
import type { StockCardLine } from '../stock.repository';

export interface StockBatchDetail extends StockBatchView {
  manifestSha256: string | null;
  wrappingKey: string;
  /** The vendor's attestation root, PEM, when the stock attests its keys. */
  attestationRoot: string | null;
  cardList: StockCardLine[];
}

/** One stock batch and each of its cards with its state (never a transport key). */
export class ShowStockBatchQuery extends Query<StockBatchDetail> {
  constructor(readonly name: string) {
    super();
  }
}
