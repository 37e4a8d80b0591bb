import { TestUnitOfWork, testActor } from '../../../platform/testing/test-unit-of-work';
import { InMemoryUserRepository } from '../in-memory-user.repository';
import { UserErrorCode } from '../user-errors';
import { RevokeRoleCommand } from './revoke-role.command';
import { RevokeRoleHandler } from './revoke-role.handler';

describe('RevokeRoleHandler', () => {
  it('revokes a held role and audits it; a role not held is refused', async () => {
    const uow = new TestUnitOfWork();
    const users = new InMemoryUserRepository();
    users.seed({ id: 'u1', username: 'hd' }, ['help-desk', 'auditor']);
    const handler = new RevokeRoleHandler(uow, users);
    const admin = testActor('ad', 'admin');

    await handler.execute(new RevokeRoleCommand('u1', 'auditor', admin));

    expect((await users.roles({ userId: 'u1', statuses: ['active'] })).map((r) => r.role)).toEqual(['help-desk']);
    expect((await users.roles({ userId: 'u1', statuses: ['revoked'] }))[0]).toMatchObject({
      role: 'auditor',
      decidedAt: uow.testClock.now(),
    });
    expect(uow.events).toEqual([
      expect.objectContaining({ action: 'user.role-revoked', targetId: 'u1', outcome: 'success', details: { role: 'auditor' } }),
    ]);
    await expect(handler.execute(new RevokeRoleCommand('u1', 'auditor', admin))).rejects.toMatchObject({ code: UserErrorCode.RoleNotHeld });
    expect(uow.events).toHaveLength(1);
  });

  it('withdraws a pending grant too', async () => {
    const uow = new TestUnitOfWork();
    const users = new InMemoryUserRepository();
    users.seed({ id: 'u1', username: 'hd' });
    const base = { requestedBy: 'ad', requestedAt: new Date(0), approvalId: 'a1', decidedBy: null, decidedAt: null };
    users.userRoles.set('r1', { ...base, id: 'r1', userId: 'u1', role: 'admin', status: 'pending' });
    await new RevokeRoleHandler(uow, users).execute(new RevokeRoleCommand('u1', 'admin', testActor('ad', 'admin')));
    expect(users.userRoles.get('r1')!.status).toBe('revoked');
  });
});
