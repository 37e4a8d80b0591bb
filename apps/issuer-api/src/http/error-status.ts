import { HsmErrorCode } from '@scm/hsm';
import { ApiErrorCode } from './api-errors';

/** Every error code any module can raise. Adding a code without a status fails to compile. */
export type ErrorCode = ApiErrorCode | HsmErrorCode;

export function statusOf(code: ErrorCode): number {
  switch (code) {
    case ApiErrorCode.NotFound:
      return 404;
    case ApiErrorCode.Invalid:
      return 400;
    case ApiErrorCode.Conflict:
      return 409;
    case HsmErrorCode.Unavailable:
    case HsmErrorCode.TokenNotFound:
    case HsmErrorCode.TokenAmbiguous:
    case HsmErrorCode.LoginFailed:
      return 503;
    case HsmErrorCode.KeyExists:
      return 409;
    case HsmErrorCode.KeyNotFound:
    case HsmErrorCode.KeyMismatch:
    case HsmErrorCode.OperationFailed:
      return 500;
    default: {
      const unmapped: never = code;
      return unmapped;
    }
  }
}
