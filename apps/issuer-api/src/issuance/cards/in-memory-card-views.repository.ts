import type { CardListEntry, CardListFilter, CardViewsRepository, CardVscVersion } from './card-views.repository';

/** The card read models over plain rows, for handler specs. */
export class InMemoryCardViewsRepository implements CardViewsRepository {
  readonly cards: Array<CardListEntry & { createdAt: Date; cardholderEmail?: string | null; cardholderUpn?: string | null }> = [];
  readonly vscVersions: Array<CardVscVersion & { cardId: string }> = [];

  async list(f: CardListFilter): Promise<CardListEntry[]> {
    const s = f.search?.toLowerCase();
    const hit = (v: string | null | undefined) => !!s && !!v && v.toLowerCase().includes(s);
    return this.cards
      .filter(
        (c) =>
          (!s || hit(c.serial) || hit(c.cardholderName) || hit(c.cardholderEmail) || hit(c.cardholderUpn)) &&
          (!f.state || c.state === f.state),
      )
      .sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime() || a.id.localeCompare(b.id))
      .slice(f.offset, f.offset + f.limit)
      .map(({ createdAt: _c, cardholderEmail: _e, cardholderUpn: _u, ...c }) => c);
  }

  async versions(cardId: string): Promise<CardVscVersion[]> {
    return this.vscVersions
      .filter((v) => v.cardId === cardId)
      .sort((a, b) => a.version - b.version)
      .map(({ cardId: _c, ...v }) => v);
  }
}
