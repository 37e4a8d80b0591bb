import type { OnCardAttestationEntity, StockBatchEntity, StockCardEntity, StockCardProofEntity, StockCardState } from '@scm/db';
import type { TxScope } from '../platform/infra/unit-of-work';

export type StockBatch = StockBatchEntity;
export type StockCard = StockCardEntity;
export type StockCardProof = StockCardProofEntity;
export type OnCardAttestation = OnCardAttestationEntity;

/** A stock card as officers see it: its state follows the card it became. */
export interface StockCardLine {
  serial: string;
  state: StockCardState;
  cardId: string | null;
  requestId: string | null;
}

/** Counts of one batch's cards by state. */
export interface StockBatchCounts {
  batchId: string;
  name: string;
  kind: string;
  counts: Record<StockCardState, number>;
}

/** The stock aggregate: batches, their cards (transport keys wrapped), the cards' proofs, on-card attestations. */
export interface StockRepository {
  insertBatch(tx: TxScope, batch: StockBatch, cards: StockCard[]): Promise<void>;
  batchByName(name: string, tx?: TxScope): Promise<StockBatch | undefined>;
  batch(id: string, tx: TxScope): Promise<StockBatch | undefined>;
  developmentBatch(tx: TxScope): Promise<StockBatch | undefined>;
  listBatches(tx?: TxScope): Promise<StockBatch[]>;
  /** Which of these serials are in stock already. */
  existingSerials(serials: string[], tx: TxScope): Promise<string[]>;
  card(serial: string, tx: TxScope): Promise<StockCard | undefined>;
  addCard(tx: TxScope, card: StockCard): Promise<void>;
  destroy(tx: TxScope, serial: string, by: string): Promise<void>;
  setBatchCount(tx: TxScope, batchId: string, count: number): Promise<void>;
  cardsOf(batchId: string, tx?: TxScope): Promise<StockCardLine[]>;
  counts(tx?: TxScope): Promise<StockBatchCounts[]>;
  insertProof(tx: TxScope, proof: StockCardProof): Promise<void>;
  /** The proof, locked for the rest of the transaction. */
  lockProof(tx: TxScope, id: string): Promise<StockCardProof | undefined>;
  useProof(tx: TxScope, id: string): Promise<void>;
  /** The algorithm of the card's latest answered proof, if any. */
  provenAlgorithm(serial: string, tx: TxScope): Promise<string | undefined>;
  insertAttestation(tx: TxScope, a: OnCardAttestation): Promise<void>;
  attestation(certificateSerial: string, tx?: TxScope): Promise<OnCardAttestation | undefined>;
}

export const STOCK_REPOSITORY = Symbol('StockRepository');
