import type { TxScope } from '../../platform/infra/unit-of-work';
import type { ApprovalDecision, ApprovalRepository, ApprovalRequest } from './approval.repository';

/** Approval requests and decisions in memory, for handler specs. */
export class InMemoryApprovalRepository implements ApprovalRepository {
  readonly requests = new Map<string, ApprovalRequest>();
  readonly decisions: ApprovalDecision[] = [];

  /** Puts a request in place; fields not given get plausible values. */
  seed(r: Partial<ApprovalRequest> & Pick<ApprovalRequest, 'id'>): ApprovalRequest {
    const row: ApprovalRequest = {
      kind: 'test-kind',
      subject: {},
      subjectHash: Buffer.alloc(32, 0xab),
      approverRole: 'security-officer',
      requiredApprovals: 2,
      requestedBy: '00000000-0000-4000-8000-0000000000f1',
      requestedAt: new Date('2026-12-01T08:00:00Z'),
      expiresAt: new Date('2026-12-02T08:00:00Z'),
      status: 'pending',
      ...r,
    };
    this.requests.set(row.id, row);
    return row;
  }

  async insert(_tx: TxScope, request: ApprovalRequest): Promise<void> {
    this.requests.set(request.id, { ...request });
  }

  async get(id: string): Promise<ApprovalRequest | undefined> {
    const r = this.requests.get(id);
    return r && { ...r };
  }

  lock(_tx: TxScope, id: string): Promise<ApprovalRequest | undefined> {
    return this.get(id);
  }

  async setStatus(_tx: TxScope, id: string, status: ApprovalRequest['status']): Promise<void> {
    const r = this.requests.get(id);
    if (r) this.requests.set(id, { ...r, status });
  }

  async addDecision(_tx: TxScope, decision: ApprovalDecision): Promise<boolean> {
    if (this.decisions.some((d) => d.requestId === decision.requestId && d.approverId === decision.approverId)) return false;
    this.decisions.push({ ...decision });
    return true;
  }

  async countApprovals(_tx: TxScope, requestId: string): Promise<number> {
    return this.decisions.filter((d) => d.requestId === requestId && d.decision === 'approve').length;
  }

  async listByStatus(status: ApprovalRequest['status']): Promise<Array<{ request: ApprovalRequest; approvals: number }>> {
    return [...this.requests.values()]
      .filter((r) => r.status === status)
      .sort((a, b) => a.requestedAt.getTime() - b.requestedAt.getTime())
      .map((request) => ({
        request: { ...request },
        approvals: this.decisions.filter((d) => d.requestId === request.id && d.decision === 'approve').length,
      }));
  }
}
