import { randomUUID } from 'node:crypto';
import type { Role } from '@scm/db';
import type { TxScope } from '../../platform/infra/unit-of-work';
import type { User, UserRepository, UserRole } from './user.repository';

/** Accounts and roles in memory, for handler specs. */
export class InMemoryUserRepository implements UserRepository {
  readonly users = new Map<string, User>();
  readonly userRoles = new Map<string, UserRole>();

  /** Puts an account in place (with its password hash); fields not given get plausible values. */
  seed(u: Partial<User> & Pick<User, 'id' | 'username'>, roles: Role[] = []): User {
    const user: User = {
      displayName: u.username,
      passwordHash: '',
      disabled: false,
      createdAt: new Date('2026-11-01T08:00:00Z'),
      passwordChangedAt: new Date('2026-11-01T08:00:00Z'),
      ...u,
    };
    this.users.set(user.id, user);
    for (const role of roles) {
      const id = randomUUID();
      this.userRoles.set(id, {
        id,
        userId: user.id,
        role,
        status: 'active',
        requestedBy: null,
        requestedAt: user.createdAt,
        approvalId: null,
        decidedBy: null,
        decidedAt: null,
      });
    }
    return user;
  }

  async get(id: string): Promise<User | undefined> {
    const u = this.users.get(id);
    return u && withoutHash(u);
  }

  async withPassword(by: { id: string } | { username: string }): Promise<User | undefined> {
    const u = 'id' in by ? this.users.get(by.id) : [...this.users.values()].find((x) => x.username === by.username);
    return u && { ...u };
  }

  async usernameTaken(_tx: TxScope, username: string): Promise<boolean> {
    return [...this.users.values()].some((u) => u.username === username);
  }

  async insert(_tx: TxScope, user: User): Promise<void> {
    this.users.set(user.id, { ...user });
  }

  async setDisabled(_tx: TxScope, id: string, disabled: boolean): Promise<boolean> {
    const u = this.users.get(id);
    if (!u) return false;
    this.users.set(id, { ...u, disabled });
    return true;
  }

  async setPassword(tx: TxScope, id: string, passwordHash: string): Promise<void> {
    const u = this.users.get(id);
    if (u) this.users.set(id, { ...u, passwordHash, passwordChangedAt: tx.now, mustChangePassword: false });
  }

  async list(): Promise<User[]> {
    return [...this.users.values()].sort((a, b) => a.username.localeCompare(b.username)).map(withoutHash);
  }

  async roles(filter: { userId?: string; statuses: readonly UserRole['status'][] }): Promise<UserRole[]> {
    return [...this.userRoles.values()]
      .filter((r) => (filter.userId === undefined || r.userId === filter.userId) && filter.statuses.includes(r.status))
      .sort((a, b) => a.role.localeCompare(b.role))
      .map((r) => ({ ...r }));
  }

  async insertRole(_tx: TxScope, role: UserRole): Promise<void> {
    this.userRoles.set(role.id, { ...role });
  }

  async linkApproval(_tx: TxScope, userRoleId: string, approvalId: string): Promise<void> {
    const r = this.userRoles.get(userRoleId);
    if (r) this.userRoles.set(userRoleId, { ...r, approvalId });
  }

  async activateRole(tx: TxScope, userRoleId: string): Promise<boolean> {
    const r = this.userRoles.get(userRoleId);
    if (!r || r.status !== 'pending') return false;
    this.userRoles.set(userRoleId, { ...r, status: 'active', decidedAt: tx.now });
    return true;
  }

  async revokeRole(tx: TxScope, userId: string, role: Role): Promise<number> {
    let n = 0;
    for (const [k, r] of this.userRoles) {
      if (r.userId === userId && r.role === role && (r.status === 'active' || r.status === 'pending')) {
        this.userRoles.set(k, { ...r, status: 'revoked', decidedAt: tx.now });
        n++;
      }
    }
    return n;
  }
}

const withoutHash = (u: User): User => {
  const { passwordHash: _hidden, ...rest } = u;
  return rest as User;
};
