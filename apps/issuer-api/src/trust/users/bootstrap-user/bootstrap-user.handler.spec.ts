import { verifyPassword } from '@scm/common';
import { TestUnitOfWork } from '../../../platform/testing/test-unit-of-work';
import { InMemoryUserRepository } from '../in-memory-user.repository';
import { UserErrorCode } from '../user-errors';
import { BootstrapUserCommand } from './bootstrap-user.command';
import { BootstrapUserHandler } from './bootstrap-user.handler';

const operator = { actor: 'cli:admin-create-user', actorName: 'root', role: null, requestId: null };

describe('BootstrapUserHandler', () => {
  const setup = () => {
    const uow = new TestUnitOfWork();
    const users = new InMemoryUserRepository();
    return { uow, users, handler: new BootstrapUserHandler(uow, users) };
  };

  it('creates an account whose roles are active at once, audited as a bootstrap', async () => {
    const { uow, users, handler } = setup();
    const v = await handler.execute(
      new BootstrapUserCommand(' Alice ', undefined, 'a long enough passphrase', ['admin', 'security-officer', 'admin'], operator),
    );
    expect(v).toMatchObject({
      username: 'alice',
      displayName: 'alice',
      roles: [
        { role: 'admin', status: 'active', approvalId: null },
        { role: 'security-officer', status: 'active', approvalId: null },
      ],
    });
    expect(await verifyPassword(users.users.get(v.id)!.passwordHash, 'a long enough passphrase')).toBe(true);
    expect(uow.events).toEqual([
      expect.objectContaining({
        action: 'user.created',
        actor: 'cli:admin-create-user',
        actorName: 'root',
        targetId: v.id,
        details: { username: 'alice', roles: ['admin', 'security-officer'], bootstrap: true },
      }),
    ]);
  });

  it.each([
    ['a malformed username', 'x', ['admin'], UserErrorCode.Invalid],
    ['an unknown role', 'bob', ['root'], UserErrorCode.Invalid],
    ['no role', 'bob', [], UserErrorCode.Invalid],
  ])('refuses %s', async (_what, username, roles, code) => {
    const { users, handler } = setup();
    await expect(
      handler.execute(new BootstrapUserCommand(username, undefined, 'a long enough passphrase', roles as never, operator)),
    ).rejects.toMatchObject({ code });
    expect(users.users.size).toBe(0);
  });

  it('refuses a weak password and a taken username', async () => {
    const { handler } = setup();
    await expect(handler.execute(new BootstrapUserCommand('carol', undefined, 'carol', ['admin'], operator))).rejects.toMatchObject({
      code: UserErrorCode.WeakPassword,
    });
    await handler.execute(new BootstrapUserCommand('carol', undefined, 'a long enough passphrase', ['admin'], operator));
    await expect(
      handler.execute(new BootstrapUserCommand('Carol', undefined, 'another long passphrase', ['auditor'], operator)),
    ).rejects.toMatchObject({ code: UserErrorCode.UsernameTaken });
  });
});
