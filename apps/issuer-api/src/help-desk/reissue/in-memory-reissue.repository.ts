import type { ReissueState } from '@scm/db';
import { InMemoryRequestRepository } from '../../issuance/requests/in-memory-request.repository';
import type { TxScope } from '../../platform/infra/unit-of-work';
import { InMemoryApprovalRepository } from '../../trust/approvals/in-memory-approval.repository';
import { REISSUE_KIND } from './reissue-approval';
import type { Reissue, ReissueObstacles, ReissueRepository } from './reissue.repository';

const ENDED = ['issued', 'failed', 'cancelled'];

/** Reissues in memory, for handler specs; a pending approval is read from the spec's approvals, an ended request from its requests. */
export class InMemoryReissueRepository implements ReissueRepository {
  readonly rows = new Map<string, Reissue>();

  constructor(
    readonly requests = new InMemoryRequestRepository(),
    readonly approvals = new InMemoryApprovalRepository(),
  ) {}

  seed(r: Partial<Reissue> & Pick<Reissue, 'id' | 'oldCardId' | 'requestId'>): Reissue {
    const row: Reissue = {
      cardholderId: '00000000-0000-4000-8000-00000000c001',
      reason: 'lost',
      approvalId: '00000000-0000-4000-8000-00000000a001',
      sourceVscId: '00000000-0000-4000-8000-0000000005c0',
      sourceVersion: 1,
      state: 'awaiting-card',
      requestedBy: 'user:seed',
      createdAt: new Date('2026-11-30T08:00:00Z'),
      closedAt: null,
      ...r,
    };
    this.rows.set(row.id, row);
    return row;
  }

  async insert(_tx: TxScope, reissue: Reissue): Promise<void> {
    this.rows.set(reissue.id, { ...reissue });
  }

  async lock(_tx: TxScope, id: string): Promise<Reissue | undefined> {
    const r = this.rows.get(id);
    return r && { ...r };
  }

  async close(tx: TxScope, id: string, state: Exclude<ReissueState, 'awaiting-card'>): Promise<void> {
    const r = this.rows.get(id);
    if (r) this.rows.set(id, { ...r, state, closedAt: tx.now });
  }

  async underWay(cardId: string, at: Date): Promise<ReissueObstacles> {
    const approval = [...this.approvals.requests.values()].find(
      (a) => a.kind === REISSUE_KIND && a.status === 'pending' && a.expiresAt > at && a.subject.cardId === cardId,
    );
    const running = [...this.rows.values()].find((r) => r.oldCardId === cardId && r.state === 'awaiting-card');
    return {
      ...(approval ? { approvalId: approval.id } : {}),
      ...(running ? { reissueId: running.id } : {}),
    };
  }

  async finished(): Promise<string[]> {
    return [...this.rows.values()]
      .filter((r) => r.state === 'awaiting-card' && ENDED.includes(this.requests.rows.get(r.requestId)?.state ?? ''))
      .map((r) => r.id);
  }
}
