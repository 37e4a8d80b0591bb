import type { TxScope } from '../../platform/infra/unit-of-work';
import type { IssuanceRequest, RequestAssignment, RequestEvent, RequestHistoryEntry, RequestRepository } from './request.repository';
import type { RequestState } from './request-state';

/** Requests in memory, for handler specs: what was written, announced and recorded is kept for checks. */
export class InMemoryRequestRepository implements RequestRepository {
  readonly rows = new Map<string, IssuanceRequest>();
  readonly history: RequestHistoryEntry[] = [];
  readonly announced: RequestEvent[] = [];

  /** Puts a request in place; fields not given get plausible values. */
  seed(r: Partial<IssuanceRequest> & Pick<IssuanceRequest, 'id' | 'state'>): IssuanceRequest {
    const row: IssuanceRequest = {
      batchId: null,
      cardholderId: '00000000-0000-4000-8000-00000000c001',
      profileId: 'default',
      profile: {
        slots: {},
        pin: { minLength: 6, maxLength: 8, tries: 3 },
        puk: { length: 8, tries: 3 },
        managementKey: { algorithm: 'aes256' },
        validityDays: 365,
      },
      stateChangedAt: new Date('2026-12-01T08:00:00Z'),
      failure: null,
      workerId: null,
      cardId: null,
      createdBy: 'user:seed',
      createdAt: new Date('2026-12-01T08:00:00Z'),
      ...r,
    };
    this.rows.set(row.id, row);
    return row;
  }

  async lock(_tx: TxScope, id: string): Promise<IssuanceRequest | undefined> {
    return this.copy(id);
  }

  async get(id: string): Promise<IssuanceRequest | undefined> {
    return this.copy(id);
  }

  async setState(tx: TxScope, id: string, from: RequestState, to: RequestState, failure?: string): Promise<boolean> {
    const r = this.rows.get(id);
    if (!r || r.state !== from) return false;
    this.rows.set(id, { ...r, state: to, stateChangedAt: tx.now, failure: failure ?? r.failure });
    return true;
  }

  async addHistory(_tx: TxScope, entries: readonly RequestHistoryEntry[]): Promise<void> {
    this.history.push(...entries);
  }

  async announce(_tx: TxScope, events: readonly RequestEvent[]): Promise<void> {
    this.announced.push(...events);
  }

  async assign(_tx: TxScope, id: string, to: RequestAssignment): Promise<void> {
    const r = this.rows.get(id);
    if (r) this.rows.set(id, { ...r, ...to });
  }

  private copy(id: string): IssuanceRequest | undefined {
    const r = this.rows.get(id);
    return r && { ...r };
  }
}
