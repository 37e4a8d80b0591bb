import type { Cardholder } from '../issuance/cardholders/cardholder.repository';
import type { Card } from '../issuance/cards/card.repository';
import type { InMemoryCardRepository } from '../issuance/cards/in-memory-card.repository';
import type { InMemoryRequestRepository } from '../issuance/requests/in-memory-request.repository';
import type { IssuanceRequest } from '../issuance/requests/request.repository';
import type { InMemoryVscRepository } from '../issuance/vsc-escrow/in-memory-vsc.repository';
import type { TxScope } from '../platform/infra/unit-of-work';
import type { InMemoryApprovalRepository } from '../trust/approvals/in-memory-approval.repository';
import type { CardholderTermination, EscrowedVersion, EscrowPurge, TerminationRepository } from './termination.repository';

/** The leaver aggregate over the other contexts' in-memory repositories, for handler specs. */
export class InMemoryTerminationRepository implements TerminationRepository {
  readonly terminations = new Map<string, CardholderTermination>();
  readonly purges: EscrowPurge[] = [];
  readonly activations = new Map<string, { cardId: string; state: string }>();
  /** Volumes holding an archived copy, by `vscId/version`. */
  readonly archived = new Map<string, number>();

  constructor(
    readonly holders: Map<string, Cardholder>,
    private readonly cards: InMemoryCardRepository,
    private readonly requests: InMemoryRequestRepository,
    private readonly vscs: InMemoryVscRepository,
    private readonly approvals: InMemoryApprovalRepository,
  ) {}

  async lockCardholder(_tx: TxScope, id: string): Promise<Cardholder | undefined> {
    const c = this.holders.get(id);
    return c && { ...c };
  }

  async offboard(tx: TxScope, id: string): Promise<void> {
    const c = this.holders.get(id)!;
    this.holders.set(id, { ...c, status: 'offboarded', sponsoredBy: null, sponsoredAt: null, updatedAt: tx.now });
  }

  async insert(_tx: TxScope, t: CardholderTermination): Promise<void> {
    if (this.terminations.has(t.cardholderId)) throw new Error('duplicate termination');
    this.terminations.set(t.cardholderId, { ...t });
  }

  async get(cardholderId: string): Promise<CardholderTermination | undefined> {
    const t = this.terminations.get(cardholderId);
    return t && { ...t };
  }

  lock(_tx: TxScope, cardholderId: string): Promise<CardholderTermination | undefined> {
    return this.get(cardholderId);
  }

  async cardsOf(cardholderId: string): Promise<Card[]> {
    return [...this.cards.rows.values()].filter((c) => c.cardholderId === cardholderId).map((c) => ({ ...c }));
  }

  async requestsOf(cardholderId: string): Promise<IssuanceRequest[]> {
    return [...this.requests.rows.values()].filter((r) => r.cardholderId === cardholderId).map((r) => ({ ...r }));
  }

  async cancelActivations(_tx: TxScope, cardIds: readonly string[]): Promise<string[]> {
    const out: string[] = [];
    for (const [id, a] of this.activations)
      if (a.state === 'open' && cardIds.includes(a.cardId)) {
        this.activations.set(id, { ...a, state: 'cancelled' });
        out.push(id);
      }
    return out;
  }

  /** Card updates by id (card and state), as a spec seeds them. */
  readonly updates = new Map<string, { cardId: string; state: string }>();

  async cancelCardUpdates(_tx: TxScope, cardIds: readonly string[]): Promise<string[]> {
    const out: string[] = [];
    for (const [id, u] of this.updates)
      if ((u.state === 'awaiting-approval' || u.state === 'pending') && cardIds.includes(u.cardId)) {
        this.updates.set(id, { ...u, state: 'cancelled' });
        out.push(id);
      }
    return out;
  }

  async cancelApprovals(_tx: TxScope, cardholderId: string, keep: readonly string[]): Promise<Array<{ id: string; kind: string }>> {
    const out: Array<{ id: string; kind: string }> = [];
    for (const r of this.approvals.requests.values())
      if (r.status === 'pending' && !keep.includes(r.kind) && (r.subject as { cardholderId?: string }).cardholderId === cardholderId) {
        r.status = 'cancelled';
        out.push({ id: r.id, kind: r.kind });
      }
    return out;
  }

  private ofHolder(cardholderId: string): Array<{ id: string; kind: string }> {
    const requests = new Set([...this.requests.rows.values()].filter((r) => r.cardholderId === cardholderId).map((r) => r.id));
    return [...this.vscs.vscs.values()]
      .filter((v) => v.cardholderId === cardholderId || (v.requestId !== null && requests.has(v.requestId)))
      .map((v) => ({ id: v.id, kind: v.kind }));
  }

  async vscsOf(cardholderId: string): Promise<Array<{ id: string; kind: string }>> {
    return this.ofHolder(cardholderId);
  }

  async escrowedVersionsOf(cardholderId: string): Promise<EscrowedVersion[]> {
    const kinds = new Map(this.ofHolder(cardholderId).map((v) => [v.id, v.kind]));
    return this.vscs.stored
      .filter((v) => kinds.has(v.vscId) && v.escrowedAt)
      .map((v) => ({
        vscId: v.vscId,
        version: v.version,
        sha256: v.sha256.toString('hex'),
        kind: kinds.get(v.vscId)!,
        purgedAt: v.purgedAt ?? null,
        volume: this.archived.get(`${v.vscId}/${v.version}`) ?? null,
      }));
  }

  async purgeVersions(tx: TxScope, purgeId: string, refs: ReadonlyArray<{ vscId: string; version: number }>): Promise<number> {
    let n = 0;
    for (const v of this.vscs.stored)
      if (!v.purgedAt && refs.some((r) => r.vscId === v.vscId && r.version === v.version)) {
        v.content = Buffer.alloc(0);
        v.purgedAt = tx.now;
        v.purgeId = purgeId;
        n++;
      }
    return n;
  }

  async insertPurge(_tx: TxScope, p: EscrowPurge): Promise<void> {
    this.purges.push({ ...p });
  }

  async markPurged(tx: TxScope, cardholderId: string): Promise<void> {
    const t = this.terminations.get(cardholderId)!;
    this.terminations.set(cardholderId, { ...t, purgedAt: tx.now });
  }

  async purgeOf(cardholderId: string): Promise<EscrowPurge | undefined> {
    return this.purges.find((p) => p.cardholderId === cardholderId);
  }
}
