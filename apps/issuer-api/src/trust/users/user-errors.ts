import { CodedError } from '@scm/common';

export enum UserErrorCode {
  NotFound = 'user.not-found',
  /** A malformed username or role list. */
  Invalid = 'user.invalid',
  UsernameTaken = 'user.username-taken',
  WeakPassword = 'user.weak-password',
  RoleAlreadyHeld = 'user.role-already-held',
  RoleNotHeld = 'user.role-not-held',
  WrongPassword = 'user.wrong-password',
}

export class UserError extends CodedError<UserErrorCode> {
  constructor(
    readonly code: UserErrorCode,
    message: string,
    meta: Record<string, unknown> = {},
  ) {
    super(message, meta);
  }
}
