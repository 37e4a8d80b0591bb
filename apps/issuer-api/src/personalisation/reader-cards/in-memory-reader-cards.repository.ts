import type { ReaderCard, ReaderCardsRepository } from './reader-cards.repository';

/** Reader cards over plain rows, for handler specs. */
export class InMemoryReaderCardsRepository implements ReaderCardsRepository {
  readonly rows: ReaderCard[] = [];

  async list(): Promise<ReaderCard[]> {
    const latest = new Map<string, ReaderCard>();
    for (const r of this.rows) {
      const k = `${r.workstation}\u0000${r.reader}`;
      const seen = latest.get(k);
      if (!seen || seen.leasedAt < r.leasedAt) latest.set(k, r);
    }
    return [...latest.values()].sort((a, b) => a.workstation - b.workstation || a.reader.localeCompare(b.reader));
  }
}
