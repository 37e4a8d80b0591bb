import { CodedError } from '@scm/common';

/** Errors of the API's own edges (not tied to one domain module). */
export enum ApiErrorCode {
  NotFound = 'api.not-found',
  Invalid = 'api.invalid-request',
  Conflict = 'api.conflict',
}

export class ApiError extends CodedError<ApiErrorCode> {
  constructor(
    readonly code: ApiErrorCode,
    message: string,
    meta: Record<string, unknown> = {},
    options?: { cause?: unknown },
  ) {
    super(message, meta, options);
  }
}
