import { InMemoryCardRepository } from '../../issuance/cards/in-memory-card.repository';
import { InMemoryRequestRepository } from '../../issuance/requests/in-memory-request.repository';
import { InMemoryVscRepository } from '../../issuance/vsc-escrow/in-memory-vsc.repository';
import { isUuid } from '../shared/card-ref';
import { InMemoryReissueRepository } from './in-memory-reissue.repository';
import type { Reissue } from './reissue.repository';
import type { ReissueFilter, ReissueRecord, ReissueViewRepository } from './reissue-views.repository';

/** The read model over a spec's in-memory reissues, cards, requests and VSCs. */
export class InMemoryReissueViewRepository implements ReissueViewRepository {
  constructor(
    readonly reissues = new InMemoryReissueRepository(),
    readonly cards = new InMemoryCardRepository(),
    readonly requests = new InMemoryRequestRepository(),
    readonly vscs = new InMemoryVscRepository(),
  ) {}

  async get(id: string): Promise<ReissueRecord | undefined> {
    const r = this.reissues.rows.get(id);
    return r && this.record(r);
  }

  async list(f: ReissueFilter, limit: number): Promise<ReissueRecord[]> {
    const matches = (r: Reissue) => {
      if (f.state && r.state !== f.state) return false;
      if (!f.card) return true;
      return (isUuid(f.card) && r.oldCardId === f.card) || this.cards.rows.get(r.oldCardId)?.serial === f.card;
    };
    const out: ReissueRecord[] = [];
    const found = [...this.reissues.rows.values()].filter(matches).sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime());
    for (const r of found.slice(0, limit)) {
      const rec = await this.record(r);
      if (rec) out.push(rec);
    }
    return out;
  }

  private async record(r: Reissue): Promise<ReissueRecord | undefined> {
    const oldCard = await this.cards.get(r.oldCardId);
    const request = await this.requests.get(r.requestId);
    if (!oldCard || !request) return undefined;
    const newCard = request.cardId ? ((await this.cards.get(request.cardId)) ?? null) : null;
    return { reissue: { ...r }, oldCard, request, vsc: (await this.vscs.ofRequest(request.id)) ?? null, newCard };
  }
}
