import { InMemoryApprovalRepository } from '../../approvals/in-memory-approval.repository';
import { ApprovalsService, subjectHash } from '../../approvals/approvals.service';
import { TestUnitOfWork, testActor } from '../../../platform/testing/test-unit-of-work';
import { InMemoryUserRepository } from '../in-memory-user.repository';
import { RoleGrantExecutor } from '../role-grant.executor';
import { UserErrorCode } from '../user-errors';
import { RequestRoleCommand } from './request-role.command';
import { RequestRoleHandler } from './request-role.handler';

const ADMIN = '00000000-0000-4000-8000-0000000000ad';
const admin = testActor(ADMIN, 'admin');

describe('RequestRoleHandler', () => {
  const setup = () => {
    const uow = new TestUnitOfWork();
    const users = new InMemoryUserRepository();
    users.seed({ id: 'u1', username: 'hd' }, ['help-desk']);
    const approvalRepo = new InMemoryApprovalRepository();
    const approvals = new ApprovalsService(approvalRepo, { SCM_APPROVAL_TTL_HOURS: 24 });
    new RoleGrantExecutor(approvals, users).onModuleInit();
    return { uow, users, approvalRepo, handler: new RequestRoleHandler(uow, approvals, users) };
  };

  it('adds a pending role bound to a role-grant approval for one other admin', async () => {
    const { uow, users, approvalRepo, handler } = setup();
    const r = await handler.execute(new RequestRoleCommand('u1', 'auditor', ADMIN, admin));

    expect(users.userRoles.get(r.userRoleId)).toMatchObject({
      userId: 'u1',
      role: 'auditor',
      status: 'pending',
      requestedBy: ADMIN,
      approvalId: r.approvalId,
    });
    const subject = { userRoleId: r.userRoleId, userId: 'u1', username: 'hd', role: 'auditor' };
    expect(approvalRepo.requests.get(r.approvalId)).toMatchObject({
      kind: 'role-grant',
      subject,
      approverRole: 'admin',
      requiredApprovals: 1,
      requestedBy: ADMIN,
      status: 'pending',
    });
    expect(approvalRepo.requests.get(r.approvalId)!.subjectHash).toEqual(subjectHash('role-grant', subject));
    expect(uow.events.map((e) => [e.action, e.targetId, e.details])).toEqual([
      ['approval.requested', r.approvalId, expect.objectContaining({ kind: 'role-grant', subject })],
      ['user.role-requested', 'u1', { role: 'auditor', approvalId: r.approvalId }],
    ]);
    expect((await users.roles({ userId: 'u1', statuses: ['active'] })).map((x) => x.role)).toEqual(['help-desk']);
  });

  it('refuses a role already held or pending, and an unknown user', async () => {
    const { uow, handler } = setup();
    await expect(handler.execute(new RequestRoleCommand('u1', 'help-desk', ADMIN, admin))).rejects.toMatchObject({
      code: UserErrorCode.RoleAlreadyHeld,
      message: 'hd already has help-desk (active)',
    });
    await handler.execute(new RequestRoleCommand('u1', 'auditor', ADMIN, admin));
    await expect(handler.execute(new RequestRoleCommand('u1', 'auditor', ADMIN, admin))).rejects.toMatchObject({
      message: 'hd already has auditor (pending)',
    });
    await expect(handler.execute(new RequestRoleCommand('nobody', 'auditor', ADMIN, admin))).rejects.toMatchObject({
      code: UserErrorCode.NotFound,
    });
    expect(uow.events.filter((e) => e.action === 'user.role-requested')).toHaveLength(1);
  });
});
