import { CodedError } from '@scm/common';

/** Reissues of a reported card onto a new card. */
export enum ReissueErrorCode {
  NotFound = 'reissue.not-found',
  Invalid = 'reissue.invalid',
  WrongCardState = 'reissue.wrong-card-state',
  Pending = 'reissue.pending',
  NoEscrow = 'reissue.no-escrow',
}

export class ReissueError extends CodedError<ReissueErrorCode> {
  constructor(
    readonly code: ReissueErrorCode,
    message: string,
    meta: Record<string, unknown> = {},
  ) {
    super(message, meta);
  }
}
