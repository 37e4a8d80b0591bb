import { createHash, randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { canonicalJson } from '@scm/audit';
import type { ApprovalRequestEntity, Role } from '@scm/db';
import { API_CONFIG, type ApiConfig } from '../../platform/config/api-config';
import type { Tx } from '../../platform/infra/unit-of-work';
import { ApprovalError, ApprovalErrorCode } from './approval-errors';

/** What runs when a request gets its last approval, inside the same transaction. */
export type ApprovalExecutor = (tx: Tx, request: ApprovalRequestEntity) => Promise<void>;

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

type RequestRow = {
  id: string;
  kind: string;
  subject: Record<string, unknown>;
  subject_hash: Buffer;
  approver_role: Role;
  required_approvals: number;
  requested_by: string;
  requested_at: Date;
  expires_at: Date;
  status: ApprovalRequestEntity['status'];
};

const toEntity = (r: RequestRow): ApprovalRequestEntity => ({
  id: r.id,
  kind: r.kind,
  subject: r.subject,
  subjectHash: r.subject_hash,
  approverRole: r.approver_role,
  requiredApprovals: r.required_approvals,
  requestedBy: r.requested_by,
  requestedAt: r.requested_at,
  expiresAt: r.expires_at,
  status: r.status,
});

/**
 * Dual control: an m-of-n approval bound to the exact request (its subject hash), with an expiry.
 * The requester never approves their own request; an admin approves nothing but role grants.
 */
@Injectable()
export class ApprovalsService {
  private readonly executors = new Map<string, ApprovalExecutor>();

  constructor(@Inject(API_CONFIG) private readonly cfg: ApiConfig) {}

  /** Each kind of request registers what happens once it is approved. */
  register(kind: string, executor: ApprovalExecutor): void {
    if (this.executors.has(kind)) throw new Error(`approval kind "${kind}" has two executors`);
    this.executors.set(kind, executor);
  }

  async request(tx: Tx, spec: ApprovalSpec): Promise<ApprovalRequestEntity> {
    if (!this.executors.has(spec.kind)) throw new Error(`approval kind "${spec.kind}" has no executor`);
    const id = randomUUID();
    const hash = subjectHash(spec.kind, spec.subject);
    const expires = new Date(tx.now.getTime() + this.cfg.SCM_APPROVAL_TTL_HOURS * 3600_000);
    const rows = (await tx.em.query(
      `INSERT INTO approval_request (id, kind, subject, subject_hash, approver_role, required_approvals, requested_by, requested_at, expires_at, status)
       VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,'pending') RETURNING *`,
      [id, spec.kind, JSON.stringify(spec.subject), hash, spec.approverRole, spec.requiredApprovals, spec.requestedBy, tx.now, expires],
    )) as RequestRow[];
    const req = toEntity(rows[0]);
    tx.audit({
      action: 'approval.requested',
      targetType: 'approval',
      targetId: id,
      outcome: 'success',
      details: {
        kind: spec.kind,
        subject: spec.subject,
        approverRole: spec.approverRole,
        requiredApprovals: spec.requiredApprovals,
        expiresAt: expires.toISOString(),
      },
    });
    return req;
  }

  async get(tx: Tx, id: string, lock = false): Promise<ApprovalRequestEntity> {
    const rows = (await tx.em.query(`SELECT * FROM approval_request WHERE id = $1 ${lock ? 'FOR UPDATE' : ''}`, [id])) as RequestRow[];
    if (!rows[0]) throw new ApprovalError(ApprovalErrorCode.NotFound, `no approval request ${id}`);
    return toEntity(rows[0]);
  }

  /**
   * Records one approver's decision. Returns the request after it; when the last approval arrives the
   * executor runs in the same transaction and the request becomes `executed`.
   */
  async decide(
    tx: Tx,
    id: string,
    approver: { id: string; roles: readonly Role[] },
    decision: 'approve' | 'reject',
    expectedSubjectHash?: string,
  ): Promise<{ request: ApprovalRequestEntity; approvals: number } | ApprovalError> {
    const req = await this.get(tx, id, true);
    const refuse = (code: ApprovalErrorCode, msg: string): ApprovalError => {
      tx.audit({
        action: `approval.${decision}`,
        targetType: 'approval',
        targetId: id,
        outcome: 'denied',
        details: { kind: req.kind, reason: code },
      });
      return new ApprovalError(code, msg, { approvalId: id });
    };
    if (req.status === 'pending' && req.expiresAt <= tx.now) {
      await tx.em.query(`UPDATE approval_request SET status = 'expired' WHERE id = $1`, [id]);
      tx.audit({ action: 'approval.expired', targetType: 'approval', targetId: id, outcome: 'success', details: { kind: req.kind } });
      return refuse(ApprovalErrorCode.Expired, `approval request ${id} expired at ${req.expiresAt.toISOString()}`);
    }
    if (req.status !== 'pending') return refuse(ApprovalErrorCode.Closed, `approval request ${id} is ${req.status}`);
    if (approver.id === req.requestedBy) return refuse(ApprovalErrorCode.SelfApproval, 'nobody approves their own request');
    if (!approver.roles.includes(req.approverRole)) {
      return refuse(ApprovalErrorCode.NotAllowed, `only a ${req.approverRole} may decide on a ${req.kind} request`);
    }
    if (req.approverRole !== 'admin' && approver.roles.includes('admin')) {
      return refuse(ApprovalErrorCode.NotAllowed, 'an administrator manages accounts and may not approve this');
    }
    if (expectedSubjectHash && expectedSubjectHash.toLowerCase() !== req.subjectHash.toString('hex')) {
      return refuse(ApprovalErrorCode.SubjectMismatch, 'the request changed since you looked at it (subject hash differs)');
    }
    const inserted = (await tx.em.query(
      `INSERT INTO approval (request_id, approver_id, decision, subject_hash, decided_at) VALUES ($1,$2,$3,$4,$5) ON CONFLICT DO NOTHING RETURNING 1`,
      [id, approver.id, decision, req.subjectHash, tx.now],
    )) as unknown[];
    if (inserted.length === 0) return refuse(ApprovalErrorCode.AlreadyDecided, 'you already decided on this request');
    tx.audit({ action: `approval.${decision}`, targetType: 'approval', targetId: id, outcome: 'success', details: { kind: req.kind } });
    if (decision === 'reject') {
      await tx.em.query(`UPDATE approval_request SET status = 'rejected' WHERE id = $1`, [id]);
      return { request: { ...req, status: 'rejected' }, approvals: 0 };
    }
    const count = Number(
      (
        (await tx.em.query(`SELECT count(*) AS n FROM approval WHERE request_id = $1 AND decision = 'approve'`, [id])) as Array<{
          n: string;
        }>
      )[0].n,
    );
    if (count < req.requiredApprovals) return { request: req, approvals: count };
    await this.executors.get(req.kind)!(tx, req);
    await tx.em.query(`UPDATE approval_request SET status = 'executed' WHERE id = $1`, [id]);
    tx.audit({
      action: 'approval.executed',
      targetType: 'approval',
      targetId: id,
      outcome: 'success',
      details: { kind: req.kind, approvals: count },
    });
    return { request: { ...req, status: 'executed' }, approvals: count };
  }
}
