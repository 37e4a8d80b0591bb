import type { TxScope } from '../platform/infra/unit-of-work';
import type { CardUpdate, CardUpdateRepository, ExpiringCard } from './card-update.repository';
import { OPEN_UPDATE_STATES } from './card-update-rules';

/** Card updates in memory, for handler specs; the cards near their end are seeded (`expiringRows`), as are a holder's cards. */
export class InMemoryCardUpdateRepository implements CardUpdateRepository {
  readonly rows = new Map<string, CardUpdate>();
  expiringRows: ExpiringCard[] = [];
  holderCards = new Map<string, string[]>();

  async insert(_tx: TxScope, u: CardUpdate): Promise<void> {
    if (OPEN_UPDATE_STATES.includes(u.state) && (await this.openOf(u.cardId)))
      throw new Error(`card ${u.cardId} already has an open update`);
    this.rows.set(u.id, { ...u });
  }

  async lock(_tx: TxScope, id: string): Promise<CardUpdate | undefined> {
    return this.get(id);
  }

  async get(id: string): Promise<CardUpdate | undefined> {
    const u = this.rows.get(id);
    return u ? { ...u } : undefined;
  }

  private async openOf(cardId: string): Promise<CardUpdate | undefined> {
    return [...this.rows.values()].find((u) => u.cardId === cardId && OPEN_UPDATE_STATES.includes(u.state));
  }

  async lockOpenOfCard(_tx: TxScope, cardId: string): Promise<CardUpdate | undefined> {
    const u = await this.openOf(cardId);
    return u ? { ...u } : undefined;
  }

  async ofCard(cardId: string): Promise<CardUpdate[]> {
    return [...this.rows.values()].filter((u) => u.cardId === cardId).sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime());
  }

  async patch(tx: TxScope, id: string, patch: Partial<CardUpdate>): Promise<void> {
    const u = this.rows.get(id);
    if (u) this.rows.set(id, { ...u, ...patch, updatedAt: tx.now });
  }

  async updatableCardsOf(cardholderId: string): Promise<string[]> {
    return [...(this.holderCards.get(cardholderId) ?? [])];
  }

  async expiring(horizon: Date): Promise<ExpiringCard[]> {
    return this.expiringRows
      .filter((c) => c.certificates.some((x) => x.notAfter < horizon))
      .map((c) => ({
        ...c,
        openUpdate: [...this.rows.values()].find((u) => u.cardId === c.cardId && OPEN_UPDATE_STATES.includes(u.state))?.id ?? null,
      }));
  }

  /** Cards' sealed PUKs (card_credential), seeded by specs. */
  readonly puks = new Map<string, { sealed: Buffer; key: string }>();

  async lockCardPuk(_tx: TxScope, cardId: string): Promise<{ sealed: Buffer; key: string } | undefined> {
    return this.puks.get(cardId);
  }

  async replaceCardPuk(_tx: TxScope, cardId: string, sealed: Buffer, key: string): Promise<void> {
    if (!this.puks.has(cardId)) throw new Error(`card ${cardId} has no PUK to replace`);
    this.puks.set(cardId, { sealed, key });
  }
}
