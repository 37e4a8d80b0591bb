import { createHash, randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { canonicalJson } from '@scm/audit';
import type { Role } from '@scm/db';
import { API_CONFIG, type ApiConfig } from '../../platform/config/api-config';
import type { Tx } from '../../platform/infra/unit-of-work';
import { ApprovalError, ApprovalErrorCode } from './approval-errors';
import { type Approver, type DecisionRefusal, decisionRefusal } from './approval-rules';
import { APPROVAL_REPOSITORY, type ApprovalRepository, type ApprovalRequest } from './approval.repository';

/** What runs when a request gets its last approval, inside the same transaction. */
export type ApprovalExecutor = (tx: Tx, request: ApprovalRequest) => Promise<void>;

export interface ApprovalSpec {
  kind: string;
  /** The exact parameters being approved; approvals are bound to their hash. */
  subject: Record<string, unknown>;
  approverRole: Role;
  requiredApprovals: number;
  requestedBy: string;
}

export const subjectHash = (kind: string, subject: Record<string, unknown>): Buffer =>
  createHash('sha256').update(canonicalJson({ kind, subject })).digest();

/**
 * Dual control: an m-of-n approval bound to the exact request (its subject hash), with an expiry.
 * The requester never approves their own request; an admin approves nothing but role grants.
 * Contexts register what each kind does once approved, and ask for approvals in their own
 * transactions; the last approval runs the executor in the approver's transaction.
 */
@Injectable()
export class ApprovalsService {
  private readonly executors = new Map<string, ApprovalExecutor>();

  constructor(
    @Inject(APPROVAL_REPOSITORY) private readonly approvals: ApprovalRepository,
    @Inject(API_CONFIG) private readonly cfg: Pick<ApiConfig, 'SCM_APPROVAL_TTL_HOURS'>,
  ) {}

  /** Each kind of request registers what happens once it is approved. */
  register(kind: string, executor: ApprovalExecutor): void {
    if (this.executors.has(kind)) throw new Error(`approval kind "${kind}" has two executors`);
    this.executors.set(kind, executor);
  }

  async request(tx: Tx, spec: ApprovalSpec): Promise<ApprovalRequest> {
    if (!this.executors.has(spec.kind)) throw new Error(`approval kind "${spec.kind}" has no executor`);
    const req: ApprovalRequest = {
      id: randomUUID(),
      kind: spec.kind,
      subject: spec.subject,
      subjectHash: subjectHash(spec.kind, spec.subject),
      approverRole: spec.approverRole,
      requiredApprovals: spec.requiredApprovals,
      requestedBy: spec.requestedBy,
      requestedAt: tx.now,
      expiresAt: new Date(tx.now.getTime() + this.cfg.SCM_APPROVAL_TTL_HOURS * 3600_000),
      status: 'pending',
    };
    await this.approvals.insert(tx, req);
    tx.audit({
      action: 'approval.requested',
      targetType: 'approval',
      targetId: req.id,
      outcome: 'success',
      details: {
        kind: spec.kind,
        subject: spec.subject,
        approverRole: spec.approverRole,
        requiredApprovals: spec.requiredApprovals,
        expiresAt: req.expiresAt.toISOString(),
      },
    });
    return req;
  }

  /** The request (locked for the rest of the transaction when asked); NotFound when there is none. */
  async get(tx: Tx, id: string, lock = false): Promise<ApprovalRequest> {
    const req = lock ? await this.approvals.lock(tx, id) : await this.approvals.get(id, tx);
    if (!req) throw new ApprovalError(ApprovalErrorCode.NotFound, `no approval request ${id}`);
    return req;
  }

  /**
   * Records one approver's decision. Returns the request after it; when the last approval arrives the
   * executor runs in the same transaction and the request becomes `executed`. A refusal is audited
   * and returned (the caller commits that audit and reports the error).
   */
  async decide(
    tx: Tx,
    id: string,
    approver: Approver,
    decision: 'approve' | 'reject',
    expectedSubjectHash?: string,
  ): Promise<{ request: ApprovalRequest; approvals: number } | ApprovalError> {
    const req = await this.get(tx, id, true);
    const refusal = decisionRefusal(req, approver, tx.now, expectedSubjectHash, decision);
    if (refusal?.code === ApprovalErrorCode.Expired) {
      await this.approvals.setStatus(tx, id, 'expired');
      tx.audit({ action: 'approval.expired', targetType: 'approval', targetId: id, outcome: 'success', details: { kind: req.kind } });
    }
    if (refusal) return this.refused(tx, req, decision, refusal);
    const recorded = await this.approvals.addDecision(tx, {
      requestId: id,
      approverId: approver.id,
      decision,
      subjectHash: req.subjectHash,
      decidedAt: tx.now,
    });
    if (!recorded) {
      return this.refused(tx, req, decision, { code: ApprovalErrorCode.AlreadyDecided, message: 'you already decided on this request' });
    }
    tx.audit({ action: `approval.${decision}`, targetType: 'approval', targetId: id, outcome: 'success', details: { kind: req.kind } });
    if (decision === 'reject') {
      await this.approvals.setStatus(tx, id, 'rejected');
      return { request: { ...req, status: 'rejected' }, approvals: 0 };
    }
    const count = await this.approvals.countApprovals(tx, id);
    if (count < req.requiredApprovals) return { request: req, approvals: count };
    await this.executors.get(req.kind)!(tx, req);
    await this.approvals.setStatus(tx, id, 'executed');
    tx.audit({
      action: 'approval.executed',
      targetType: 'approval',
      targetId: id,
      outcome: 'success',
      details: { kind: req.kind, approvals: count },
    });
    return { request: { ...req, status: 'executed' }, approvals: count };
  }

  /** Audits a refused decision (its code as the reason) and returns the error for the caller. */
  private refused(tx: Tx, req: ApprovalRequest, decision: 'approve' | 'reject', r: DecisionRefusal): ApprovalError {
    tx.audit({
      action: `approval.${decision}`,
      targetType: 'approval',
      targetId: req.id,
      outcome: 'denied',
      details: { kind: req.kind, reason: r.code },
    });
    return new ApprovalError(r.code, r.message, { approvalId: req.id });
  }
}
