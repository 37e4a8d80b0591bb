import { Command } from '@nestjs/cqrs';
import type { Actor } from '../../trust/auth/principal';
import type { StockImport } from '../stock-rules';

export interface ImportedBatch {
  id: string;
  name: string;
  kind: 'manifest' | 'development';
  algorithm: string;
  cards: number;
  attestation: boolean;
  /** The development batch existed already (importing it again changes nothing). */
  existed?: boolean;
}

/** An officer registers a batch of blank cards: a vendor manifest of serials and transport keys, or the development batch. */
export class ImportStockBatchCommand extends Command<ImportedBatch> {
  constructor(
    readonly input: StockImport | { development: true },
    readonly actor: Actor,
  ) {
    super();
  }
}
