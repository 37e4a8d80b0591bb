import { CodedError } from '@scm/common';

export enum VscEscrowErrorCode {
  NotFound = 'vsc-escrow.not-found',
  /**
   * Integrity alarm: a stored copy does not read back as what was sealed (its SHA-256, its seal
   * MAC, a GCM tag or its consistency check). Audited and logged with the VSC, version and keys.
   */
  IntegrityAlarm = 'vsc-escrow.integrity-alarm',
  /** Another version was stored concurrently; the change is refused, never merged. */
  VersionConflict = 'vsc-escrow.version-conflict',
}

export class VscEscrowError extends CodedError<VscEscrowErrorCode> {
  constructor(
    readonly code: VscEscrowErrorCode,
    message: string,
    meta: Record<string, unknown> = {},
    options?: { cause?: unknown },
  ) {
    super(message, meta, options);
  }
}
