import type { Role, UserEntity, UserRoleEntity } from '@scm/db';
import type { TxScope } from '../../platform/infra/unit-of-work';

/** An operator account (one row of app_user). `passwordHash` is loaded by `withPassword` only. */
export type User = UserEntity;
/** A role of an account, held or asked for (one row of user_role). */
export type UserRole = UserRoleEntity;

/**
 * Accounts and their roles. Writes take the unit of work's transaction; reads without one use the
 * pool. The password hash never leaves this port except through `withPassword`.
 */
export interface UserRepository {
  /** The account without its password hash. */
  get(id: string, tx: TxScope): Promise<User | undefined>;
  /** The account with its password hash, by id or by (normalised) username. */
  withPassword(by: { id: string } | { username: string }, tx: TxScope): Promise<User | undefined>;
  usernameTaken(tx: TxScope, username: string): Promise<boolean>;
  insert(tx: TxScope, user: User): Promise<void>;
  /** False when there is no such account. */
  setDisabled(tx: TxScope, id: string, disabled: boolean): Promise<boolean>;
  setPassword(tx: TxScope, id: string, passwordHash: string): Promise<void>;
  /** Every account (without password hashes), by username. */
  list(tx?: TxScope): Promise<User[]>;

  /** Role rows in the given statuses, of one account or of all, by role. */
  roles(filter: { userId?: string; statuses: readonly UserRole['status'][] }, tx?: TxScope): Promise<UserRole[]>;
  insertRole(tx: TxScope, role: UserRole): Promise<void>;
  /** Binds a pending grant to the approval request that decides it. */
  linkApproval(tx: TxScope, userRoleId: string, approvalId: string): Promise<void>;
  /** Makes a pending grant active; false when it is no longer pending. */
  activateRole(tx: TxScope, userRoleId: string): Promise<boolean>;
  /** Revokes a held or pending role; returns how many rows changed. */
  revokeRole(tx: TxScope, userId: string, role: Role): Promise<number>;
}

export const USER_REPOSITORY = Symbol('UserRepository');
