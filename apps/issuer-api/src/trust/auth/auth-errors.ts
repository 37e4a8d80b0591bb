import { CodedError } from '@scm/common';

export enum AuthErrorCode {
  Unauthenticated = 'auth.unauthenticated',
  InvalidCredentials = 'auth.invalid-credentials',
  Locked = 'auth.locked',
  AccountDisabled = 'auth.account-disabled',
  Forbidden = 'auth.forbidden',
  NoAccessRule = 'auth.no-access-rule',
  ReauthRequired = 'auth.reauth-required',
  /** An administrator set the password: change it (bin/scm passwd) before anything else. */
  PasswordChangeRequired = 'auth.password-change-required',
}

export class AuthError extends CodedError<AuthErrorCode> {
  constructor(
    readonly code: AuthErrorCode,
    message: string,
    meta: Record<string, unknown> = {},
  ) {
    super(message, meta);
  }
}
