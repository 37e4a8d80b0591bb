import { CodedError } from '@scm/common';

/** Codes of archive failures (sealing, reading back, recovery). Verification findings are a report, not errors. */
export enum ArchiveErrorCode {
  /** A sealed VSC version in the escrow no longer matches the SHA-256 recorded when it was sealed. */
  EscrowMismatch = 'archive.escrow-mismatch',
  /** xorriso failed or produced an image that does not read back as written. */
  WriterFailed = 'archive.writer-failed',
  /** The archive key has no certificate yet (the issuing CA is not set up). */
  SignerNotReady = 'archive.signer-not-ready',
  /** A volume, or a VSC version in the archive, that does not exist. */
  NotFound = 'archive.not-found',
  /** An image (or its sidecar) that fails its checks when read back for recovery. */
  ImageInvalid = 'archive.image-invalid',
  /** A bad argument (path, id, version). */
  Invalid = 'archive.invalid',
  /** A leaver's VSC version purged after its retention period: it is never read for recovery again. */
  Purged = 'archive.purged',
}

export class ArchiveError extends CodedError<ArchiveErrorCode> {
  constructor(
    readonly code: ArchiveErrorCode,
    message: string,
    meta: Record<string, unknown> = {},
    options?: { cause?: unknown },
  ) {
    super(message, meta, options);
  }
}
