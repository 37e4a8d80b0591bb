import type { Role } from '@scm/db';
import type { User, UserRole } from './user.repository';

/** An account as the API shows it: never its password hash. */
export interface UserView {
  id: string;
  username: string;
  displayName: string;
  disabled: boolean;
  roles: Array<{ role: Role; status: string; approvalId: string | null }>;
  createdAt: string;
}

/** The view of an account with its live (pending or active) role rows, in the order given. */
export const userView = (u: User, roles: readonly UserRole[]): UserView => ({
  id: u.id,
  username: u.username,
  displayName: u.displayName,
  disabled: u.disabled,
  roles: roles.map((r) => ({ role: r.role, status: r.status, approvalId: r.approvalId })),
  createdAt: u.createdAt.toISOString(),
});
