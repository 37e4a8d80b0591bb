import type { TxScope } from '../../platform/infra/unit-of-work';
import type { Card, CardHistoryEntry, CardHistoryLine, CardRepository } from './card.repository';
import type { CardState } from './card-lifecycle';

/** Cards in memory, for handler specs. */
export class InMemoryCardRepository implements CardRepository {
  readonly rows = new Map<string, Card>();
  readonly history: CardHistoryEntry[] = [];
  /** History lines as stored, with their time. */
  private readonly lines: CardHistoryLine[] = [];

  seed(c: Partial<Card> & Pick<Card, 'id' | 'state'>): Card {
    const row: Card = {
      serial: null,
      atr: null,
      cardholderId: null,
      requestId: null,
      vscId: null,
      stockBatch: null,
      stateChangedAt: new Date('2026-12-01T08:00:00Z'),
      createdAt: new Date('2026-12-01T08:00:00Z'),
      ...c,
    };
    this.rows.set(row.id, row);
    return row;
  }

  async insert(_tx: TxScope, card: Card): Promise<void> {
    if (this.rows.has(card.id) || (card.serial && [...this.rows.values()].some((c) => c.serial === card.serial)))
      throw new Error(`duplicate card ${card.serial ?? card.id}`);
    this.rows.set(card.id, { ...card });
  }

  async lock(_tx: TxScope, id: string): Promise<Card | undefined> {
    return this.get(id);
  }

  async lockBySerial(_tx: TxScope, serial: string): Promise<Card | undefined> {
    return this.bySerial(serial);
  }

  async get(id: string): Promise<Card | undefined> {
    const c = this.rows.get(id);
    return c && { ...c };
  }

  async bySerial(serial: string): Promise<Card | undefined> {
    const c = [...this.rows.values()].find((x) => x.serial === serial);
    return c && { ...c };
  }

  async setState(tx: TxScope, id: string, to: CardState): Promise<void> {
    const c = this.rows.get(id);
    if (c) this.rows.set(id, { ...c, state: to, stateChangedAt: tx.now });
  }

  async addHistory(tx: TxScope, e: CardHistoryEntry): Promise<void> {
    this.history.push(e);
    this.lines.push({
      id: String(this.lines.length + 1),
      cardId: e.cardId,
      fromState: e.from,
      toState: e.to,
      at: tx.now,
      actor: e.actor,
      details: e.details,
    });
  }

  async historyOf(cardId: string): Promise<CardHistoryLine[]> {
    return this.lines.filter((l) => l.cardId === cardId).map((l) => ({ ...l }));
  }
}
