import { InMemoryUserRepository } from '../in-memory-user.repository';
import { ListUsersHandler } from './list-users.handler';

describe('ListUsersHandler', () => {
  it('lists accounts by username with their pending and active roles, never a password hash', async () => {
    const users = new InMemoryUserRepository();
    users.seed({ id: 'u2', username: 'zoe', passwordHash: '$argon2id$secret' }, ['security-officer', 'auditor']);
    users.seed({ id: 'u1', username: 'anna', disabled: true });
    const base = { userId: 'u1', requestedBy: null, requestedAt: new Date(0), decidedBy: null, decidedAt: null };
    users.userRoles.set('r1', { ...base, id: 'r1', role: 'help-desk', status: 'pending', approvalId: 'a1' });
    users.userRoles.set('r2', { ...base, id: 'r2', role: 'admin', status: 'revoked', approvalId: null });

    const list = await new ListUsersHandler(users).execute();

    expect(list.map((u) => [u.username, u.disabled, u.roles])).toEqual([
      ['anna', true, [{ role: 'help-desk', status: 'pending', approvalId: 'a1' }]],
      [
        'zoe',
        false,
        [
          { role: 'auditor', status: 'active', approvalId: null },
          { role: 'security-officer', status: 'active', approvalId: null },
        ],
      ],
    ]);
    expect(JSON.stringify(list)).not.toMatch(/argon2|passwordHash/);
  });
});
