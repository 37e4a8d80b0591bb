import { CodedError } from '@scm/common';

export enum HsmErrorCode {
  /** The PKCS#11 module cannot be loaded or initialised, or the token stopped answering. */
  Unavailable = 'hsm.unavailable',
  /** No token with the configured label (or slot index). */
  TokenNotFound = 'hsm.token-not-found',
  /** More than one token carries the configured label: SCM will not guess which holds its keys. */
  TokenAmbiguous = 'hsm.token-ambiguous',
  /** The PIN is wrong, locked, or its file cannot be read. */
  LoginFailed = 'hsm.login-failed',
  /** A key that must already exist (it protects existing data) is missing. */
  KeyNotFound = 'hsm.key-not-found',
  /** An explicit creation found a key with that label and version already there. */
  KeyExists = 'hsm.key-exists',
  /** A key with that label exists but is of another type, size or usage than asked for. */
  KeyMismatch = 'hsm.key-mismatch',
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
