import { CodedError } from '@scm/common';

export enum HsmErrorCode {
  Unavailable = 'hsm.unavailable',
  TokenNotFound = 'hsm.token-not-found',
  LoginFailed = 'hsm.login-failed',
  KeyNotFound = 'hsm.key-not-found',
  OperationFailed = 'hsm.operation-failed',
}

export class HsmError extends CodedError<HsmErrorCode> {
  constructor(
    readonly code: HsmErrorCode,
    message: string,
    meta: Record<string, unknown> = {},
    options?: { cause?: unknown },
  ) {
    super(message, meta, options);
  }
}
