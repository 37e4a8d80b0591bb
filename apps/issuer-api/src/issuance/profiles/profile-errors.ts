import { CodedError } from '@scm/common';

export enum ProfileErrorCode {
  NotFound = 'profile.not-found',
  /** A stored profile that fails its checks (a hand-edited row): a server fault. */
  Invalid = 'profile.invalid',
  /** A proposed profile that fails its checks: `problems` lists each one. Nothing is proposed. */
  InvalidProposal = 'profile.invalid-proposal',
  /** The proposal was based on a version that is no longer the current one. */
  Stale = 'profile.stale',
  /** The proposal changes nothing. */
  Unchanged = 'profile.unchanged',
}

export class ProfileError extends CodedError<ProfileErrorCode> {
  constructor(
    readonly code: ProfileErrorCode,
    message: string,
    meta: Record<string, unknown> = {},
  ) {
    super(message, meta);
  }
}
