import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import {
  OnCardAttestationEntity,
  STOCK_CARD_STATES,
  StockBatchEntity,
  StockCardEntity,
  StockCardProofEntity,
  type CardState,
  type StockCardState,
} from '@scm/db';
import type { DataSource, EntityManager } from 'typeorm';
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

const zero = (): Record<StockCardState, number> =>
  Object.fromEntries(STOCK_CARD_STATES.map((s) => [s, 0])) as Record<StockCardState, number>;

@Injectable()
export class PgStockRepository implements StockRepository {
  constructor(@InjectDataSource() private readonly ds: DataSource) {}

  private em(tx?: TxScope): EntityManager {
    return tx?.em ?? this.ds.manager;
  }

  async insertBatch(tx: TxScope, batch: StockBatch, cards: StockCard[]): Promise<void> {
    await tx.em.insert(StockBatchEntity, batch);
    for (let i = 0; i < cards.length; i += 1000) await tx.em.insert(StockCardEntity, cards.slice(i, i + 1000));
  }

  async batchByName(name: string, tx?: TxScope): Promise<StockBatch | undefined> {
    return (await this.em(tx).findOneBy(StockBatchEntity, { name })) ?? undefined;
  }

  async batch(id: string, tx: TxScope): Promise<StockBatch | undefined> {
    return (await this.em(tx).findOneBy(StockBatchEntity, { id })) ?? undefined;
  }

  async developmentBatch(tx: TxScope): Promise<StockBatch | undefined> {
    return (await this.em(tx).findOneBy(StockBatchEntity, { kind: 'development' })) ?? undefined;
  }

  listBatches(tx?: TxScope): Promise<StockBatch[]> {
    return this.em(tx).find(StockBatchEntity, { order: { importedAt: 'ASC' } });
  }

  async existingSerials(serials: string[], tx: TxScope): Promise<string[]> {
    if (!serials.length) return [];
    const rows: Array<{ serial: string }> = await this.em(tx).query(`SELECT serial FROM stock_card WHERE serial = ANY($1::text[])`, [
      serials,
    ]);
    return rows.map((r) => r.serial);
  }

  async card(serial: string, tx: TxScope): Promise<StockCard | undefined> {
    return (await this.em(tx).findOneBy(StockCardEntity, { serial })) ?? undefined;
  }

  async addCard(tx: TxScope, card: StockCard): Promise<void> {
    await tx.em.insert(StockCardEntity, card);
  }

  async destroy(tx: TxScope, serial: string, by: string): Promise<void> {
    await tx.em.update(StockCardEntity, { serial }, { destroyedAt: tx.now, destroyedBy: by });
  }

  async setBatchCount(tx: TxScope, batchId: string, count: number): Promise<void> {
    await tx.em.update(StockBatchEntity, { id: batchId }, { cardCount: count });
  }

  async cardsOf(batchId: string, tx?: TxScope): Promise<StockCardLine[]> {
    const rows: Array<{ serial: string; destroyed: boolean; card_id: string | null; request_id: string | null; state: CardState | null }> =
      await this.em(tx).query(
        `SELECT s.serial, s.destroyed_at IS NOT NULL AS destroyed, c.id AS card_id, c.request_id, c.state
           FROM stock_card s LEFT JOIN card c ON c.serial = s.serial
          WHERE s.batch_id = $1 ORDER BY s.serial`,
        [batchId],
      );
    return rows.map((r) => ({
      serial: r.serial,
      state: stockState(r.state ? { state: r.state } : undefined, r.destroyed),
      cardId: r.card_id,
      requestId: r.request_id,
    }));
  }

  async counts(tx?: TxScope): Promise<StockBatchCounts[]> {
    const rows: Array<{ id: string; name: string; kind: string; state: CardState | null; destroyed: boolean | null; n: string }> =
      await this.em(tx).query(
        `SELECT b.id, b.name, b.kind, c.state, s.destroyed_at IS NOT NULL AS destroyed, count(s.serial) AS n
           FROM stock_batch b
           LEFT JOIN stock_card s ON s.batch_id = b.id
           LEFT JOIN card c ON c.serial = s.serial
          GROUP BY b.id, b.name, b.kind, b.imported_at, c.state, s.destroyed_at IS NOT NULL
          ORDER BY b.imported_at, b.name`,
      );
    const out = new Map<string, StockBatchCounts>();
    for (const r of rows) {
      const b = out.get(r.id) ?? { batchId: r.id, name: r.name, kind: r.kind, counts: zero() };
      out.set(r.id, b);
      if (Number(r.n) === 0) continue;
      b.counts[stockState(r.state ? { state: r.state } : undefined, !!r.destroyed)] += Number(r.n);
    }
    return [...out.values()];
  }

  async insertProof(tx: TxScope, proof: StockCardProof): Promise<void> {
    await tx.em.insert(StockCardProofEntity, proof);
  }

  async lockProof(tx: TxScope, id: string): Promise<StockCardProof | undefined> {
    return (
      (await tx.em.createQueryBuilder(StockCardProofEntity, 'p').where('p.id = :id', { id }).setLock('pessimistic_write').getOne()) ??
      undefined
    );
  }

  async useProof(tx: TxScope, id: string): Promise<void> {
    await tx.em.update(StockCardProofEntity, { id }, { usedAt: tx.now });
  }

  async provenAlgorithm(serial: string, tx: TxScope): Promise<string | undefined> {
    const rows: Array<{ algorithm: string }> = await this.em(tx).query(
      `SELECT algorithm FROM stock_card_proof WHERE serial = $1 AND used_at IS NOT NULL ORDER BY used_at DESC LIMIT 1`,
      [serial],
    );
    return rows[0]?.algorithm;
  }

  async insertAttestation(tx: TxScope, a: OnCardAttestation): Promise<void> {
    await tx.em.insert(OnCardAttestationEntity, a);
  }

  async attestation(certificateSerial: string, tx?: TxScope): Promise<OnCardAttestation | undefined> {
    return (await this.em(tx).findOneBy(OnCardAttestationEntity, { certificateSerial })) ?? undefined;
  }
}
