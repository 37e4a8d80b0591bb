import { verifyPassword } from '@scm/common';
import { TestUnitOfWork, testActor } from '../../../platform/testing/test-unit-of-work';
import { InMemoryUserRepository } from '../in-memory-user.repository';
import { UserErrorCode } from '../user-errors';
import { CreateUserCommand } from './create-user.command';
import { CreateUserHandler } from './create-user.handler';

const admin = testActor('00000000-0000-4000-8000-0000000000ad', 'admin');

describe('CreateUserHandler', () => {
  const setup = () => {
    const uow = new TestUnitOfWork();
    const users = new InMemoryUserRepository();
    return { uow, users, handler: new CreateUserHandler(uow, users) };
  };

  it('creates an account without roles, keeping only an Argon2id hash of the password', async () => {
    const { uow, users, handler } = setup();
    const v = await handler.execute(new CreateUserCommand(' Alice ', 'Alice Martin', 'a long enough passphrase', admin));
    expect(v).toEqual({
      id: expect.any(String),
      username: 'alice',
      displayName: 'Alice Martin',
      disabled: false,
      roles: [],
      createdAt: uow.testClock.now().toISOString(),
    });
    const stored = users.users.get(v.id)!;
    expect(stored.passwordHash).toMatch(/^\$argon2id\$/);
    expect(await verifyPassword(stored.passwordHash, 'a long enough passphrase')).toBe(true);
    expect(uow.events).toEqual([
      expect.objectContaining({
        action: 'user.created',
        targetType: 'user',
        targetId: v.id,
        outcome: 'success',
        details: { username: 'alice', displayName: 'Alice Martin' },
      }),
    ]);
    expect(JSON.stringify(uow.events)).not.toContain('passphrase');
  });

  it('refuses a weak password and a taken username, writing nothing', async () => {
    const { uow, users, handler } = setup();
    users.seed({ id: 'u1', username: 'alice' });
    await expect(handler.execute(new CreateUserCommand('bob', 'Bob', 'short', admin))).rejects.toMatchObject({
      code: UserErrorCode.WeakPassword,
      message: 'the password must be at least 12 characters',
    });
    await expect(handler.execute(new CreateUserCommand('ALICE', 'Alice', 'a long enough passphrase', admin))).rejects.toMatchObject({
      code: UserErrorCode.UsernameTaken,
    });
    expect(users.users.size).toBe(1);
    expect(uow.events).toEqual([]);
  });
});
