import { CodedError } from '@scm/common';

export enum VscEscrowErrorCode {
  NotFound = 'vsc-escrow.not-found',
  /** The stored copy does not read back as what was sealed (hash or consistency check). */
  Corrupt = 'vsc-escrow.corrupt',
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
