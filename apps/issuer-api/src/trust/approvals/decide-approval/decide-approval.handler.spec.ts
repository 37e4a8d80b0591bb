import type { Role } from '@scm/db';
import type { Tx } from '../../../platform/infra/unit-of-work';
import { TestUnitOfWork, testActor } from '../../../platform/testing/test-unit-of-work';
import { ApprovalErrorCode } from '../approval-errors';
import type { ApprovalRequest } from '../approval.repository';
import { ApprovalsService, subjectHash } from '../approvals.service';
import { InMemoryApprovalRepository } from '../in-memory-approval.repository';
import { DecideApprovalCommand } from './decide-approval.command';
import { DecideApprovalHandler } from './decide-approval.handler';

const REQUESTER = 'o-requester';
const subject = { vscId: 'v1' };

function setup(overrides: Partial<ApprovalRequest> = {}) {
  const uow = new TestUnitOfWork();
  const repo = new InMemoryApprovalRepository();
  const approvals = new ApprovalsService(repo, { SCM_APPROVAL_TTL_HOURS: 24 });
  const executed: Array<{ id: string; subject: Record<string, unknown>; events: number }> = [];
  approvals.register('key-recovery', async (tx: Tx, req) => {
    executed.push({ id: req.id, subject: req.subject, events: tx.events.length });
    tx.audit({ action: 'key-recovery.approved', targetType: 'approval', targetId: req.id, outcome: 'success' });
  });
  repo.seed({
    id: 'a1',
    kind: 'key-recovery',
    subject,
    subjectHash: subjectHash('key-recovery', subject),
    approverRole: 'security-officer',
    requiredApprovals: 2,
    requestedBy: REQUESTER,
    expiresAt: new Date(uow.testClock.now().getTime() + 3600_000),
    ...overrides,
  });
  const handler = new DecideApprovalHandler(uow, approvals);
  const shown = subjectHash('key-recovery', subject).toString('hex');
  const decide = (who: string, roles: Role[], decision: 'approve' | 'reject' = 'approve', hash: string | undefined = shown) =>
    handler.execute(new DecideApprovalCommand('a1', decision, { id: who, roles }, testActor(who, roles[0]), hash));
  return { uow, repo, executed, decide };
}

const denials = (uow: TestUnitOfWork) => uow.events.filter((e) => e.outcome === 'denied').map((e) => [e.action, e.details]);

describe('DecideApprovalHandler', () => {
  it('counts the first of two approvals and runs nothing yet', async () => {
    const { uow, repo, executed, decide } = setup();
    await expect(decide('o2', ['security-officer'])).resolves.toEqual({ id: 'a1', status: 'pending', approvals: 1, requiredApprovals: 2 });
    expect(executed).toEqual([]);
    expect(repo.decisions).toEqual([
      {
        requestId: 'a1',
        approverId: 'o2',
        decision: 'approve',
        subjectHash: subjectHash('key-recovery', subject),
        decidedAt: uow.testClock.now(),
      },
    ]);
    expect(uow.events).toEqual([
      expect.objectContaining({ action: 'approval.approve', targetId: 'a1', outcome: 'success', details: { kind: 'key-recovery' } }),
    ]);
  });

  it('runs the executor on the last approval, in the same transaction, and marks the request executed', async () => {
    const { uow, repo, executed, decide } = setup();
    await decide('o2', ['security-officer']);
    await expect(decide('o3', ['security-officer'])).resolves.toEqual({ id: 'a1', status: 'executed', approvals: 2, requiredApprovals: 2 });
    expect(executed).toEqual([{ id: 'a1', subject, events: 1 }]);
    expect(repo.requests.get('a1')!.status).toBe('executed');
    expect(uow.committed[1].events.map((e) => e.action)).toEqual(['approval.approve', 'key-recovery.approved', 'approval.executed']);
    expect(uow.committed[1].events[2].details).toEqual({ kind: 'key-recovery', approvals: 2 });
  });

  it('refuses the requester approving their own request, and audits the refusal', async () => {
    const { uow, repo, decide } = setup();
    await expect(decide(REQUESTER, ['security-officer'])).rejects.toMatchObject({
      code: ApprovalErrorCode.SelfApproval,
      meta: { approvalId: 'a1' },
    });
    expect(repo.decisions).toEqual([]);
    expect(uow.committed[0].refused).toBeDefined();
    expect(denials(uow)).toEqual([['approval.approve', { kind: 'key-recovery', reason: 'approval.self-approval' }]]);
  });

  it('refuses an administrator, even one who is also an officer, and another role', async () => {
    const { uow, repo, decide } = setup();
    await expect(decide('ad', ['admin'])).rejects.toMatchObject({ code: ApprovalErrorCode.NotAllowed });
    await expect(decide('both', ['security-officer', 'admin'])).rejects.toMatchObject({
      code: ApprovalErrorCode.NotAllowed,
      message: 'an administrator manages accounts and may not approve this',
    });
    await expect(decide('hd', ['help-desk'])).rejects.toMatchObject({ code: ApprovalErrorCode.NotAllowed });
    expect(repo.decisions).toEqual([]);
    expect(denials(uow)).toHaveLength(3);
  });

  it('refuses when the subject hash shown is not the request’s; accepts the right one in any case', async () => {
    const { uow, decide } = setup();
    await expect(decide('o2', ['security-officer'], 'approve', 'ab'.repeat(32))).rejects.toMatchObject({
      code: ApprovalErrorCode.SubjectMismatch,
    });
    expect(denials(uow)).toEqual([['approval.approve', { kind: 'key-recovery', reason: 'approval.subject-mismatch' }]]);
    const right = subjectHash('key-recovery', subject).toString('hex').toUpperCase();
    await expect(decide('o2', ['security-officer'], 'approve', right)).resolves.toMatchObject({ approvals: 1 });
  });

  it('expires a request past its expiry (audited, committed) and runs nothing', async () => {
    const { uow, repo, executed, decide } = setup({ requiredApprovals: 1 });
    uow.testClock.advance(3600_000);
    await expect(decide('o2', ['security-officer'])).rejects.toMatchObject({ code: ApprovalErrorCode.Expired });
    expect(repo.requests.get('a1')!.status).toBe('expired');
    expect(executed).toEqual([]);
    expect(uow.events.map((e) => [e.action, e.outcome, e.details])).toEqual([
      ['approval.expired', 'success', { kind: 'key-recovery' }],
      ['approval.approve', 'denied', { kind: 'key-recovery', reason: 'approval.expired' }],
    ]);
    await expect(decide('o3', ['security-officer'])).rejects.toMatchObject({ code: ApprovalErrorCode.Closed });
  });

  it('rejects: the request closes, the executor never runs, and later decisions are refused', async () => {
    const { uow, repo, executed, decide } = setup();
    await expect(decide('o2', ['security-officer'], 'reject')).resolves.toEqual({
      id: 'a1',
      status: 'rejected',
      approvals: 0,
      requiredApprovals: 2,
    });
    expect(repo.requests.get('a1')!.status).toBe('rejected');
    expect(uow.events).toEqual([expect.objectContaining({ action: 'approval.reject', outcome: 'success' })]);
    await expect(decide('o3', ['security-officer'])).rejects.toMatchObject({ code: ApprovalErrorCode.Closed });
    expect(executed).toEqual([]);
  });

  it('refuses a second decision by the same approver', async () => {
    const { uow, decide } = setup();
    await decide('o2', ['security-officer']);
    await expect(decide('o2', ['security-officer'])).rejects.toMatchObject({ code: ApprovalErrorCode.AlreadyDecided });
    expect(denials(uow)).toEqual([['approval.approve', { kind: 'key-recovery', reason: 'approval.already-decided' }]]);
  });

  it('is NotFound for an unknown request, with nothing committed', async () => {
    const { uow } = setup();
    const handler = new DecideApprovalHandler(uow, new ApprovalsService(new InMemoryApprovalRepository(), { SCM_APPROVAL_TTL_HOURS: 1 }));
    await expect(
      handler.execute(new DecideApprovalCommand('nope', 'approve', { id: 'o2', roles: ['security-officer'] }, testActor())),
    ).rejects.toMatchObject({ code: ApprovalErrorCode.NotFound });
    expect(uow.committed).toEqual([]);
  });

  it('refuses an approval that names no subject hash (a rejection needs none), audited', async () => {
    const { uow, executed, decide } = setup({ requiredApprovals: 1 });
    await expect(decide('o2', ['security-officer'], 'approve', '')).rejects.toMatchObject({ code: ApprovalErrorCode.SubjectRequired });
    expect(executed).toEqual([]);
    expect(denials(uow)).toEqual([['approval.approve', { kind: 'key-recovery', reason: 'approval.subject-required' }]]);
    await expect(decide('o2', ['security-officer'], 'reject', '')).resolves.toMatchObject({ status: 'rejected' });
  });
});
