import { CodedError } from '@scm/common';

export enum ProfileErrorCode {
  NotFound = 'profile.not-found',
  Invalid = 'profile.invalid',
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
