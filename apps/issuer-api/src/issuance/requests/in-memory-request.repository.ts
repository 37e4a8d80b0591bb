import type { TxScope } from '../../platform/infra/unit-of-work';
import { IssuanceError, IssuanceErrorCode } from './issuance-errors';
import type {
  IssuanceBatch,
  IssuanceRequest,
  RequestAssignment,
  RequestEvent,
  RequestHistoryEntry,
  RequestHistoryLine,
  RequestRepository,
} from './request.repository';
import { isTerminal, type RequestState } from './request-state';

/** Requests in memory, for handler specs: what was written, announced and recorded is kept for checks. */
export class InMemoryRequestRepository implements RequestRepository {
  readonly rows = new Map<string, IssuanceRequest>();
  readonly history: RequestHistoryEntry[] = [];
  readonly announced: RequestEvent[] = [];
  readonly batches = new Map<string, IssuanceBatch>();
  /** Outbox job ids marked done. */
  /** History lines as stored, with their time. */
  private readonly lines: RequestHistoryLine[] = [];

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

  async addHistory(tx: TxScope, entries: readonly RequestHistoryEntry[]): Promise<void> {
    this.history.push(...entries);
    for (const e of entries) {
      this.lines.push({
        id: String(this.lines.length + 1),
        requestId: e.requestId,
        fromState: e.from,
        toState: e.to,
        at: tx.now,
        actor: e.actor,
        details: e.details,
      });
    }
  }

  async announce(_tx: TxScope, events: readonly RequestEvent[]): Promise<void> {
    this.announced.push(...events);
  }

  async insertMany(_tx: TxScope, rows: readonly IssuanceRequest[]): Promise<void> {
    for (const r of rows) {
      if (this.rows.has(r.id)) throw new Error(`duplicate request ${r.id}`);
      const open = [...this.rows.values()].some((x) => x.cardholderId === r.cardholderId && !isTerminal(x.state));
      if (open && !isTerminal(r.state))
        throw new IssuanceError(
          IssuanceErrorCode.OpenRequestExists,
          'a cardholder of this call got an open request concurrently; nothing was created',
        );
    }
    for (const r of rows) this.rows.set(r.id, { ...r });
  }

  async openOf(cardholderIds: readonly string[]): Promise<IssuanceRequest[]> {
    return [...this.rows.values()].filter((r) => cardholderIds.includes(r.cardholderId) && !isTerminal(r.state)).map((r) => ({ ...r }));
  }

  async historyOf(requestId: string): Promise<RequestHistoryLine[]> {
    return this.lines.filter((l) => l.requestId === requestId).map((l) => ({ ...l }));
  }

  async insertBatch(_tx: TxScope, batch: IssuanceBatch): Promise<void> {
    if (this.batches.has(batch.id) || (batch.reference !== null && [...this.batches.values()].some((b) => b.reference === batch.reference)))
      throw new Error(`duplicate batch ${batch.reference ?? batch.id}`);
    this.batches.set(batch.id, { ...batch });
  }

  async getBatch(id: string): Promise<IssuanceBatch | undefined> {
    const b = this.batches.get(id);
    return b && { ...b };
  }

  async batchByReference(reference: string): Promise<IssuanceBatch | undefined> {
    const b = [...this.batches.values()].find((x) => x.reference === reference);
    return b && { ...b };
  }

  async ofBatch(batchId: string): Promise<IssuanceRequest[]> {
    return [...this.rows.values()]
      .filter((r) => r.batchId === batchId)
      .sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime() || a.id.localeCompare(b.id))
      .map((r) => ({ ...r }));
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
