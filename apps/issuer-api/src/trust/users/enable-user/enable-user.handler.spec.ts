import { TestUnitOfWork, testActor } from '../../../platform/testing/test-unit-of-work';
import { InMemoryUserRepository } from '../in-memory-user.repository';
import { UserErrorCode } from '../user-errors';
import { EnableUserCommand } from './enable-user.command';
import { EnableUserHandler } from './enable-user.handler';

describe('EnableUserHandler', () => {
  it('enables a disabled account and audits it; an unknown account is NotFound', async () => {
    const uow = new TestUnitOfWork();
    const users = new InMemoryUserRepository();
    users.seed({ id: 'u1', username: 'hd', disabled: true });
    const handler = new EnableUserHandler(uow, users);

    await handler.execute(new EnableUserCommand('u1', testActor('ad', 'admin')));

    expect(users.users.get('u1')!.disabled).toBe(false);
    expect(uow.events).toEqual([
      expect.objectContaining({ action: 'user.enabled', targetId: 'u1', outcome: 'success', details: { sessionsEnded: 0 } }),
    ]);
    await expect(handler.execute(new EnableUserCommand('nobody', testActor('ad', 'admin')))).rejects.toMatchObject({
      code: UserErrorCode.NotFound,
    });
  });
});
