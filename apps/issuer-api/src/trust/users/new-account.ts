import { randomUUID } from 'node:crypto';
import { hashPassword, passwordProblem } from '@scm/common';
import type { TxScope } from '../../platform/infra/unit-of-work';
import { UserError, UserErrorCode } from './user-errors';
import type { User, UserRepository } from './user.repository';

/**
 * A new account, not yet stored: the username normalised, the password checked against the rules
 * and kept only as its Argon2id hash — or the refusal (weak password, username taken). Shared by an
 * admin's account creation and the host's bootstrap of the first accounts.
 */
export async function newAccount(
  users: UserRepository,
  tx: TxScope,
  input: { username: string; displayName?: string; password: string; mustChangePassword?: boolean },
): Promise<User | UserError> {
  const username = input.username.trim().toLowerCase();
  const problem = passwordProblem(input.password, username);
  if (problem) return new UserError(UserErrorCode.WeakPassword, `the password ${problem}`);
  if (await users.usernameTaken(tx, username)) return new UserError(UserErrorCode.UsernameTaken, `the username "${username}" is taken`);
  return {
    id: randomUUID(),
    username,
    displayName: input.displayName ?? username,
    passwordHash: await hashPassword(input.password),
    disabled: false,
    createdAt: tx.now,
    passwordChangedAt: tx.now,
    mustChangePassword: input.mustChangePassword ?? false,
  };
}
