import { ApprovalErrorCode } from './approval-errors';
import type { ApprovalRequest } from './approval.repository';
import { decisionRefusal } from './approval-rules';

const now = new Date('2026-12-01T09:00:00Z');
const req: ApprovalRequest = {
  id: 'a1',
  kind: 'key-recovery',
  subject: {},
  subjectHash: Buffer.alloc(32, 0xcd),
  approverRole: 'security-officer',
  requiredApprovals: 2,
  requestedBy: 'u-requester',
  requestedAt: new Date('2026-12-01T08:00:00Z'),
  expiresAt: new Date('2026-12-02T08:00:00Z'),
  status: 'pending',
};
const officer = { id: 'u-officer', roles: ['security-officer'] as const };
const code = (...a: Parameters<typeof decisionRefusal>) => decisionRefusal(...a)?.code ?? null;

describe('decisionRefusal', () => {
  it('lets another officer decide on a pending request', () => {
    expect(code(req, officer, now, 'cd'.repeat(32))).toBeNull();
    expect(code(req, officer, now, 'CD'.repeat(32))).toBeNull();
    expect(code(req, officer, now, undefined, 'reject')).toBeNull();
  });

  it('refuses an approval that names no subject hash', () => {
    expect(code(req, officer, now)).toBe(ApprovalErrorCode.SubjectRequired);
  });

  it('expires a pending request at its expiry, and closes a decided one', () => {
    expect(code({ ...req, expiresAt: now }, officer, now)).toBe(ApprovalErrorCode.Expired);
    expect(code({ ...req, status: 'executed', expiresAt: now }, officer, now)).toBe(ApprovalErrorCode.Closed);
    expect(code({ ...req, status: 'rejected' }, officer, now)).toBe(ApprovalErrorCode.Closed);
  });

  it('refuses the requester, other roles, and an administrator outside role grants', () => {
    const shown = 'cd'.repeat(32);
    expect(code(req, { id: 'u-requester', roles: ['security-officer'] }, now, shown)).toBe(ApprovalErrorCode.SelfApproval);
    expect(code(req, { id: 'u-hd', roles: ['help-desk'] }, now, shown)).toBe(ApprovalErrorCode.NotAllowed);
    expect(code(req, { id: 'u-both', roles: ['security-officer', 'admin'] }, now, shown)).toBe(ApprovalErrorCode.NotAllowed);
    expect(code({ ...req, approverRole: 'admin', kind: 'role-grant' }, { id: 'u-admin', roles: ['admin'] }, now, shown)).toBeNull();
  });

  it('refuses when the subject hash shown differs from the request', () => {
    expect(code(req, officer, now, 'ab'.repeat(32))).toBe(ApprovalErrorCode.SubjectMismatch);
  });
});
