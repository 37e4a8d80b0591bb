import { InMemoryApprovalRepository } from '../approvals/in-memory-approval.repository';
import { ApprovalsService } from '../approvals/approvals.service';
import { TestUnitOfWork, testActor } from '../../platform/testing/test-unit-of-work';
import { InMemoryUserRepository } from './in-memory-user.repository';
import { ROLE_GRANT_KIND, RoleGrantExecutor } from './role-grant.executor';

describe('RoleGrantExecutor', () => {
  it('makes the pending role active when a second admin approves, in the approving transaction', async () => {
    const uow = new TestUnitOfWork();
    const users = new InMemoryUserRepository();
    users.seed({ id: 'u1', username: 'hd' });
    users.userRoles.set('ur1', {
      id: 'ur1',
      userId: 'u1',
      role: 'auditor',
      status: 'pending',
      requestedBy: 'admin-1',
      requestedAt: new Date(0),
      approvalId: null,
      decidedBy: null,
      decidedAt: null,
    });
    const approvals = new ApprovalsService(new InMemoryApprovalRepository(), { SCM_APPROVAL_TTL_HOURS: 24 });
    new RoleGrantExecutor(approvals, users).onModuleInit();
    const req = await uow.run(testActor('admin-1', 'admin'), (tx) =>
      approvals.request(tx, {
        kind: ROLE_GRANT_KIND,
        subject: { userRoleId: 'ur1', userId: 'u1', username: 'hd', role: 'auditor' },
        approverRole: 'admin',
        requiredApprovals: 1,
        requestedBy: 'admin-1',
      }),
    );

    const r = await uow.run(testActor('admin-2', 'admin'), (tx) =>
      approvals.decide(tx, req.id, { id: 'admin-2', roles: ['admin'] }, 'approve', req.subjectHash.toString('hex')),
    );

    expect(r).toMatchObject({ request: { status: 'executed' }, approvals: 1 });
    expect(users.userRoles.get('ur1')).toMatchObject({ status: 'active', decidedAt: uow.testClock.now() });
    expect(uow.committed[1].events.map((e) => e.action)).toEqual(['approval.approve', 'user.role-granted', 'approval.executed']);
    expect(uow.committed[1].events[1]).toMatchObject({ targetId: 'u1', details: { role: 'auditor', approvalId: req.id } });
  });

  it('registers the role-grant kind once', () => {
    const approvals = new ApprovalsService(new InMemoryApprovalRepository(), { SCM_APPROVAL_TTL_HOURS: 24 });
    const executor = new RoleGrantExecutor(approvals, new InMemoryUserRepository());
    executor.onModuleInit();
    expect(() => executor.onModuleInit()).toThrow(/two executors/);
  });
});
