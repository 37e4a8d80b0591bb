import { STOCK_CARD_STATES, type CardState, type StockCardState } from '@scm/db';
import type { TxScope } from '../platform/infra/unit-of-work';
import { stockState } from './stock-rules';
import type {
  OnCardAttestation,
  StockBatch,
  StockBatchCounts,
  StockCard,
  StockCardLine,
  StockCardProof,
  StockRepository,
} from './stock.repository';

/** Stock in memory, for handler specs; `cardStates` stands for the card table (serial → state, id, request). */
export class InMemoryStockRepository implements StockRepository {
  readonly batches = new Map<string, StockBatch>();
  readonly cards = new Map<string, StockCard>();
  readonly proofs = new Map<string, StockCardProof>();
  readonly attestations = new Map<string, OnCardAttestation>();
  readonly cardStates = new Map<string, { id: string; state: CardState; requestId: string | null }>();

  async insertBatch(_tx: TxScope, batch: StockBatch, cards: StockCard[]): Promise<void> {
    if ([...this.batches.values()].some((b) => b.name === batch.name)) throw new Error(`duplicate batch ${batch.name}`);
    this.batches.set(batch.id, { ...batch });
    for (const c of cards) await this.addCard(_tx, c);
  }

  async batchByName(name: string): Promise<StockBatch | undefined> {
    return [...this.batches.values()].find((b) => b.name === name);
  }

  async batch(id: string): Promise<StockBatch | undefined> {
    return this.batches.get(id);
  }

  async developmentBatch(): Promise<StockBatch | undefined> {
    return [...this.batches.values()].find((b) => b.kind === 'development');
  }

  async listBatches(): Promise<StockBatch[]> {
    return [...this.batches.values()];
  }

  async existingSerials(serials: string[]): Promise<string[]> {
    return serials.filter((s) => this.cards.has(s));
  }

  async card(serial: string): Promise<StockCard | undefined> {
    return this.cards.get(serial);
  }

  async addCard(_tx: TxScope, card: StockCard): Promise<void> {
    if (this.cards.has(card.serial)) throw new Error(`duplicate stock card ${card.serial}`);
    this.cards.set(card.serial, { ...card });
  }

  async destroy(tx: TxScope, serial: string, by: string): Promise<void> {
    Object.assign(this.cards.get(serial)!, { destroyedAt: tx.now, destroyedBy: by });
  }

  async setBatchCount(_tx: TxScope, batchId: string, count: number): Promise<void> {
    this.batches.get(batchId)!.cardCount = count;
  }

  private line(c: StockCard): StockCardLine {
    const k = this.cardStates.get(c.serial);
    return { serial: c.serial, state: stockState(k, !!c.destroyedAt), cardId: k?.id ?? null, requestId: k?.requestId ?? null };
  }

  async cardsOf(batchId: string): Promise<StockCardLine[]> {
    return [...this.cards.values()]
      .filter((c) => c.batchId === batchId)
      .sort((a, b) => a.serial.localeCompare(b.serial))
      .map((c) => this.line(c));
  }

  async counts(): Promise<StockBatchCounts[]> {
    return [...this.batches.values()].map((b) => {
      const counts = Object.fromEntries(STOCK_CARD_STATES.map((s) => [s, 0])) as Record<StockCardState, number>;
      for (const c of this.cards.values()) if (c.batchId === b.id) counts[this.line(c).state]++;
      return { batchId: b.id, name: b.name, kind: b.kind, counts };
    });
  }

  async insertProof(_tx: TxScope, proof: StockCardProof): Promise<void> {
    this.proofs.set(proof.id, { ...proof });
  }

  async lockProof(_tx: TxScope, id: string): Promise<StockCardProof | undefined> {
    return this.proofs.get(id);
  }

  async useProof(tx: TxScope, id: string): Promise<void> {
    this.proofs.get(id)!.usedAt = tx.now;
  }

  async provenAlgorithm(serial: string): Promise<string | undefined> {
    return [...this.proofs.values()]
      .filter((p) => p.serial === serial && p.usedAt)
      .sort((a, b) => b.usedAt!.getTime() - a.usedAt!.getTime())[0]?.algorithm;
  }

  async insertAttestation(_tx: TxScope, a: OnCardAttestation): Promise<void> {
    this.attestations.set(a.certificateSerial, { ...a });
  }

  async attestation(certificateSerial: string): Promise<OnCardAttestation | undefined> {
    return this.attestations.get(certificateSerial);
  }
}
