import type { InMemoryCardholderRepository } from '../cardholders/in-memory-cardholder.repository';
import type { InMemoryRequestRepository } from './in-memory-request.repository';
import type { RequestListEntry, RequestListFilter, RequestViewsRepository } from './request-views.repository';
import type { RequestState } from './request-state';

/** The read models over the in-memory requests and cardholders, for handler specs. */
export class InMemoryRequestViewsRepository implements RequestViewsRepository {
  constructor(
    private readonly requests: InMemoryRequestRepository,
    private readonly cardholders: InMemoryCardholderRepository,
  ) {}

  async list(f: RequestListFilter): Promise<RequestListEntry[]> {
    return [...this.requests.rows.values()]
      .filter(
        (r) =>
          (f.batchId === undefined || r.batchId === f.batchId) &&
          (f.state === undefined || r.state === f.state) &&
          (f.cardholderId === undefined || r.cardholderId === f.cardholderId),
      )
      .sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime() || a.id.localeCompare(b.id))
      .slice(f.offset ?? 0, (f.offset ?? 0) + f.limit)
      .map((r) => ({
        id: r.id,
        batchId: r.batchId,
        cardholderId: r.cardholderId,
        profileId: r.profileId,
        state: r.state,
        stateChangedAt: r.stateChangedAt,
        failure: r.failure,
        cardholderName: this.cardholders.rows.get(r.cardholderId)?.name ?? '',
      }));
  }

  async stateCounts(batchId: string | undefined): Promise<Partial<Record<RequestState, number>>> {
    const out: Partial<Record<RequestState, number>> = {};
    for (const r of this.requests.rows.values()) if (batchId === undefined || r.batchId === batchId) out[r.state] = (out[r.state] ?? 0) + 1;
    return out;
  }
}
