import { hashPassword, verifyPassword } from '@scm/common';
import { TestUnitOfWork, testActor } from '../../../platform/testing/test-unit-of-work';
import { InMemoryUserRepository } from '../in-memory-user.repository';
import { UserErrorCode } from '../user-errors';
import { ChangePasswordCommand } from './change-password.command';
import { ChangePasswordHandler } from './change-password.handler';

const OLD = 'correct horse battery staple';
const NEW = 'a different long passphrase';

describe('ChangePasswordHandler', () => {
  let oldHash: string;
  beforeAll(async () => {
    oldHash = await hashPassword(OLD);
  });

  const setup = () => {
    const uow = new TestUnitOfWork();
    const users = new InMemoryUserRepository();
    users.seed({ id: 'u1', username: 'hd', passwordHash: oldHash });
    const change = (current: string, next: string) =>
      new ChangePasswordHandler(uow, users).execute(new ChangePasswordCommand('u1', current, next, testActor('u1', 'help-desk')));
    return { uow, users, change };
  };

  it('replaces the hash when the current password is proved', async () => {
    const { uow, users, change } = setup();
    uow.testClock.advance(3600_000);
    await change(OLD, NEW);
    const u = users.users.get('u1')!;
    expect(await verifyPassword(u.passwordHash, NEW)).toBe(true);
    expect(u.passwordChangedAt).toEqual(uow.testClock.now());
    expect(uow.events).toEqual([
      expect.objectContaining({ action: 'user.password-changed', targetId: 'u1', outcome: 'success', details: {} }),
    ]);
  });

  it('refuses a wrong current password (audited as a failure) and a weak new one', async () => {
    const { uow, users, change } = setup();
    await expect(change('not my password', NEW)).rejects.toMatchObject({ code: UserErrorCode.WrongPassword });
    await expect(change(OLD, 'my name is hd ok')).rejects.toMatchObject({
      code: UserErrorCode.WeakPassword,
      message: 'the new password must not contain the username',
    });
    expect(users.users.get('u1')!.passwordHash).toBe(oldHash);
    expect(uow.events).toEqual([
      expect.objectContaining({ action: 'user.password-changed', outcome: 'failure', details: { reason: 'wrong-password' } }),
    ]);
  });
});
