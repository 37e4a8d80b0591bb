import type { CardholderEntity } from '@scm/db';
import { InMemoryCardRepository } from '../../issuance/cards/in-memory-card.repository';
import { InMemoryVscRepository } from '../../issuance/vsc-escrow/in-memory-vsc.repository';
import { InMemoryWorkerRepository } from '../../trust/workers/in-memory-worker.repository';
import { isUuid } from '../shared/card-ref';
import { InMemoryTemporaryCardRepository } from './in-memory-temporary-card.repository';
import type { TemporaryCard } from './temporary-card.repository';
import type { TemporaryCardFilter, TemporaryCardRecord, TemporaryCardViewRepository } from './temporary-card-views.repository';

/** The read model over a spec's in-memory repositories: what a handler wrote shows in the next view. */
export class InMemoryTemporaryCardViewRepository implements TemporaryCardViewRepository {
  constructor(
    readonly temporary = new InMemoryTemporaryCardRepository(),
    readonly vscs = new InMemoryVscRepository(),
    readonly cards = new InMemoryCardRepository(),
    /** Cardholders, shared with the spec's other read models. */
    readonly holders = new Map<string, CardholderEntity>(),
    readonly workers = new InMemoryWorkerRepository(),
  ) {}

  async get(id: string): Promise<TemporaryCardRecord | undefined> {
    const t = await this.temporary.get(id);
    return t && this.record(t);
  }

  async list(f: TemporaryCardFilter, limit: number): Promise<TemporaryCardRecord[]> {
    const all = [...this.temporary.rows.values()]
      .filter((t) => (!f.cardholderId || t.cardholderId === f.cardholderId) && (!f.state || t.state === f.state))
      .filter((t) => {
        if (!f.card) return true;
        const serial = t.cardId ? this.cards.rows.get(t.cardId)?.serial : undefined;
        return (isUuid(f.card) && t.cardId === f.card) || (serial !== undefined && serial === f.card);
      })
      .sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime())
      .slice(0, limit);
    const out: TemporaryCardRecord[] = [];
    for (const t of all) {
      const r = await this.record({ ...t });
      if (r) out.push(r);
    }
    return out;
  }

  private async record(t: TemporaryCard): Promise<TemporaryCardRecord | undefined> {
    const holder = this.holders.get(t.cardholderId);
    const host = await this.workers.get(t.hostWorkerId);
    const vsc = await this.vscs.get(t.id);
    if (!holder || !host || !vsc) return undefined;
    const card = t.cardId ? ((await this.cards.get(t.cardId)) ?? null) : null;
    return { temporaryCard: t, holder, card, host, vsc };
  }
}
