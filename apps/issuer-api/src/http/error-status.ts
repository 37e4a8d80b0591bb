import { HsmErrorCode } from '@scm/hsm';
import { ApprovalErrorCode } from '../approvals/approval-errors';
import { AuthErrorCode } from '../auth/auth-errors';
import { UserErrorCode } from '../users/user-errors';
import { WorkerErrorCode } from '../workers/worker-errors';
import { ApiErrorCode } from './api-errors';

/** Every error code any module can raise. Adding a code without a status fails to compile. */
export type ErrorCode = ApiErrorCode | HsmErrorCode | AuthErrorCode | ApprovalErrorCode | UserErrorCode | WorkerErrorCode;

export function statusOf(code: ErrorCode): number {
  switch (code) {
    case ApiErrorCode.NotFound:
    case ApprovalErrorCode.NotFound:
    case UserErrorCode.NotFound:
    case WorkerErrorCode.NotFound:
      return 404;
    case ApiErrorCode.Invalid:
    case UserErrorCode.WeakPassword:
    case WorkerErrorCode.BadKey:
      return 400;
    case ApiErrorCode.Conflict:
    case UserErrorCode.UsernameTaken:
    case UserErrorCode.RoleAlreadyHeld:
    case UserErrorCode.RoleNotHeld:
    case ApprovalErrorCode.AlreadyDecided:
    case ApprovalErrorCode.Closed:
    case ApprovalErrorCode.SubjectMismatch:
    case WorkerErrorCode.FingerprintMismatch:
      return 409;
    case ApprovalErrorCode.Expired:
      return 410;
    case AuthErrorCode.Unauthenticated:
    case AuthErrorCode.InvalidCredentials:
    case WorkerErrorCode.BadEnrollmentToken:
    case WorkerErrorCode.BadSignature:
      return 401;
    case AuthErrorCode.Forbidden:
    case AuthErrorCode.AccountDisabled:
    case AuthErrorCode.NoAccessRule:
    case ApprovalErrorCode.SelfApproval:
    case ApprovalErrorCode.NotAllowed:
    case UserErrorCode.WrongPassword:
    case WorkerErrorCode.NotApproved:
    case WorkerErrorCode.Revoked:
    case WorkerErrorCode.WrongWorkstation:
      return 403;
    case AuthErrorCode.Locked:
      return 423;
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
    default:
      return unmapped(code);
  }
}

function unmapped(code: never): number {
  throw new Error(`error code ${String(code)} has no HTTP status`);
}
