import type { TxScope } from '../../platform/infra/unit-of-work';
import type { InMemoryRequestRepository } from '../../issuance/requests/in-memory-request.repository';
import type { CardLease, CardLeaseRepository, WorkerClaim } from './card-lease.repository';

/** Leases and claims in memory, over the in-memory requests (the pool), for handler specs. */
export class InMemoryCardLeaseRepository implements CardLeaseRepository {
  readonly rows = new Map<string, CardLease>();
  readonly claims: WorkerClaim[] = [];

  constructor(private readonly requests: InMemoryRequestRepository) {}

  async get(requestId: string): Promise<CardLease | undefined> {
    const l = this.rows.get(requestId);
    return l && { ...l };
  }

  async ofReader(_tx: TxScope, workerId: string, reader: string): Promise<CardLease | undefined> {
    const l = [...this.rows.values()].find((x) => x.workerId === workerId && x.reader === reader);
    return l && { ...l };
  }

  async lockNextFree(_tx: TxScope, now: Date): Promise<string | undefined> {
    return [...this.requests.rows.values()]
      .filter((r) => r.state === 'awaiting-card' && !r.cardId)
      .filter((r) => !((this.rows.get(r.id)?.expiresAt.getTime() ?? 0) > now.getTime()))
      .sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime() || a.id.localeCompare(b.id))[0]?.id;
  }

  async put(_tx: TxScope, lease: CardLease): Promise<void> {
    for (const [id, l] of this.rows)
      if (l.workerId === lease.workerId && l.reader === lease.reader && id !== lease.requestId) this.rows.delete(id);
    this.rows.set(lease.requestId, { ...lease });
  }

  async renew(_tx: TxScope, requestId: string, workerId: string, expiresAt: Date): Promise<boolean> {
    const l = this.rows.get(requestId);
    if (!l || l.workerId !== workerId) return false;
    this.rows.set(requestId, { ...l, expiresAt });
    return true;
  }

  async remove(_tx: TxScope, requestId: string): Promise<void> {
    this.rows.delete(requestId);
  }

  async recordClaim(_tx: TxScope, claim: WorkerClaim): Promise<void> {
    this.claims.push({ ...claim });
  }

  async claimsSince(workerId: string, since: Date): Promise<{ total: number; suspicious: number }> {
    const mine = this.claims.filter((c) => c.workerId === workerId && c.at.getTime() > since.getTime());
    return { total: mine.length, suspicious: mine.filter((c) => c.suspicious).length };
  }
}
