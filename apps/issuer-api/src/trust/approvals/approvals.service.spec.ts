import { TestUnitOfWork, testActor } from '../../platform/testing/test-unit-of-work';
import { ApprovalErrorCode } from './approval-errors';
import { ApprovalsService, subjectHash } from './approvals.service';
import { InMemoryApprovalRepository } from './in-memory-approval.repository';

describe('ApprovalsService', () => {
  const setup = () => {
    const repo = new InMemoryApprovalRepository();
    const approvals = new ApprovalsService(repo, { SCM_APPROVAL_TTL_HOURS: 24 });
    approvals.register('key-recovery', async () => undefined);
    return { repo, approvals, uow: new TestUnitOfWork() };
  };

  it('stores a pending request bound to the hash of its subject, expiring after the TTL, and audits it', async () => {
    const { repo, approvals, uow } = setup();
    const subject = { vscId: 'v1', slots: ['9d'] };
    const req = await uow.run(testActor('o1'), (tx) =>
      approvals.request(tx, { kind: 'key-recovery', subject, approverRole: 'security-officer', requiredApprovals: 2, requestedBy: 'o1' }),
    );
    const expiresAt = new Date(uow.testClock.now().getTime() + 24 * 3600_000);
    expect(repo.requests.get(req.id)).toEqual({
      id: req.id,
      kind: 'key-recovery',
      subject,
      subjectHash: subjectHash('key-recovery', subject),
      approverRole: 'security-officer',
      requiredApprovals: 2,
      requestedBy: 'o1',
      requestedAt: uow.testClock.now(),
      expiresAt,
      status: 'pending',
    });
    expect(subjectHash('key-recovery', { slots: ['9d'], vscId: 'v1' })).toEqual(req.subjectHash);
    expect(subjectHash('key-recovery', { vscId: 'v2', slots: ['9d'] })).not.toEqual(req.subjectHash);
    expect(uow.events).toEqual([
      expect.objectContaining({
        action: 'approval.requested',
        targetType: 'approval',
        targetId: req.id,
        outcome: 'success',
        details: {
          kind: 'key-recovery',
          subject,
          approverRole: 'security-officer',
          requiredApprovals: 2,
          expiresAt: expiresAt.toISOString(),
        },
      }),
    ]);
  });

  it('refuses a kind without an executor, and a kind registered twice', async () => {
    const { approvals, uow } = setup();
    await expect(
      uow.run(testActor(), (tx) =>
        approvals.request(tx, { kind: 'nothing', subject: {}, approverRole: 'admin', requiredApprovals: 1, requestedBy: 'x' }),
      ),
    ).rejects.toThrow(/has no executor/);
    expect(() => approvals.register('key-recovery', async () => undefined)).toThrow(/two executors/);
  });

  it('finds a request by id, NotFound otherwise', async () => {
    const { repo, approvals, uow } = setup();
    repo.seed({ id: 'a1' });
    await expect(uow.run(testActor(), (tx) => approvals.get(tx, 'a1', true))).resolves.toMatchObject({ id: 'a1' });
    await expect(uow.run(testActor(), (tx) => approvals.get(tx, 'a2'))).rejects.toMatchObject({ code: ApprovalErrorCode.NotFound });
  });
});
