import { CodedError } from '@scm/common';

export enum CaErrorCode {
  /** The request is malformed: unsupported key, missing identity field, bad validity. */
  InvalidRequest = 'ca.invalid-request',
  /** No certificate with that serial (or no CA with that id). */
  NotFound = 'ca.not-found',
  /** The certificate's state does not allow the change (e.g. releasing a revoked certificate). */
  InvalidState = 'ca.invalid-state',
  /** The CA is not set up: its certificate is missing from the store or does not match its HSM key. */
  NotConfigured = 'ca.not-configured',
  /** A CHUID was asked for, or checked against, a GUID that is not the card's own. */
  GuidMismatch = 'ca.guid-mismatch',
  /** A CMS signature (CHUID, Security Object) does not verify. */
  SignatureInvalid = 'ca.signature-invalid',
  /** The store refused a write (e.g. a duplicate serial). */
  StoreConflict = 'ca.store-conflict',
}

export class CaError extends CodedError<CaErrorCode> {
  constructor(
    readonly code: CaErrorCode,
    message: string,
    meta: Record<string, unknown> = {},
    options?: { cause?: unknown },
  ) {
    super(message, meta, options);
  }
}
