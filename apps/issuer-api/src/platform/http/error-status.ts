import { ArchiveErrorCode } from '@scm/archive';
import { CaErrorCode } from '@scm/ca';
import { HsmErrorCode } from '@scm/hsm';
import { ApprovalErrorCode } from '../../trust/approvals/approval-errors';
import { AuthErrorCode } from '../../trust/auth/auth-errors';
import { CardErrorCode } from '../../issuance/cards/card-errors';
import { CardholderErrorCode } from '../../issuance/cardholders/cardholder-errors';
import { IssuanceErrorCode } from '../../issuance/requests/issuance-errors';
import { PersonalisationErrorCode } from '../../personalisation/personalisation-errors';
import { ProfileErrorCode } from '../../issuance/profiles/profile-errors';
import { VscEscrowErrorCode } from '../../issuance/vsc-escrow/vsc-escrow-errors';
import { UserErrorCode } from '../../trust/users/user-errors';
import { WorkerErrorCode } from '../../trust/workers/worker-errors';
import { CardReportErrorCode } from '../../help-desk/card-reports/card-report-errors';
import { KeyRecoveryErrorCode } from '../../help-desk/key-recovery/key-recovery-errors';
import { PinUnblockErrorCode } from '../../help-desk/pin-unblock/pin-unblock-errors';
import { ReissueErrorCode } from '../../help-desk/reissue/reissue-errors';
import { TemporaryCardErrorCode } from '../../help-desk/temporary-cards/temporary-card-errors';
import { ApiErrorCode } from './api-errors';

/** Every error code any module can raise. Adding a code without a status fails to compile. */
export type ErrorCode =
  | ApiErrorCode
  | HsmErrorCode
  | AuthErrorCode
  | ApprovalErrorCode
  | UserErrorCode
  | WorkerErrorCode
  | CaErrorCode
  | CardholderErrorCode
  | ProfileErrorCode
  | IssuanceErrorCode
  | VscEscrowErrorCode
  | CardErrorCode
  | ArchiveErrorCode
  | PersonalisationErrorCode
  | CardReportErrorCode
  | TemporaryCardErrorCode
  | ReissueErrorCode
  | KeyRecoveryErrorCode
  | PinUnblockErrorCode;

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
    case AuthErrorCode.ReauthRequired:
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
    case CaErrorCode.NotFound:
    case CardholderErrorCode.NotFound:
    case ProfileErrorCode.NotFound:
    case IssuanceErrorCode.NotFound:
    case VscEscrowErrorCode.NotFound:
    case CardErrorCode.NotFound:
    case ArchiveErrorCode.NotFound:
      return 404;
    case CaErrorCode.InvalidRequest:
    case CardholderErrorCode.Invalid:
    case IssuanceErrorCode.Invalid:
    case IssuanceErrorCode.WrongSlot:
    case ArchiveErrorCode.Invalid:
      return 400;
    case CardholderErrorCode.InvalidBatch:
    case IssuanceErrorCode.InvalidBatch:
      return 422;
    case CardholderErrorCode.TooMany:
    case IssuanceErrorCode.TooMany:
      return 413;
    case CaErrorCode.InvalidState:
    case CaErrorCode.StoreConflict:
    case CaErrorCode.GuidMismatch:
    case CardholderErrorCode.UpnTaken:
    case IssuanceErrorCode.IllegalTransition:
    case IssuanceErrorCode.OpenRequestExists:
    case VscEscrowErrorCode.VersionConflict:
    case CardErrorCode.IllegalTransition:
      return 409;
    case IssuanceErrorCode.NotClaimant:
      return 403;
    case CaErrorCode.NotConfigured:
    case ArchiveErrorCode.SignerNotReady:
      return 503;
    case CaErrorCode.SignatureInvalid:
    case ProfileErrorCode.Invalid:
    case VscEscrowErrorCode.Corrupt:
    case ArchiveErrorCode.EscrowMismatch:
    case ArchiveErrorCode.WriterFailed:
    case ArchiveErrorCode.ImageInvalid:
      return 500;
    case PersonalisationErrorCode.NotFound:
    case PersonalisationErrorCode.NoActivationSession:
      return 404;
    case PersonalisationErrorCode.Invalid:
      return 400;
    case PersonalisationErrorCode.NotClaimant:
      return 403;
    case PersonalisationErrorCode.RequestClosed:
    case PersonalisationErrorCode.NotReady:
    case PersonalisationErrorCode.WaitsForAnotherCard:
    case PersonalisationErrorCode.CardTaken:
    case PersonalisationErrorCode.CardNotBlank:
    case PersonalisationErrorCode.CardSpoiled:
    case PersonalisationErrorCode.CardInUse:
    case PersonalisationErrorCode.WrongCardState:
    case PersonalisationErrorCode.ActivationOpen:
      return 409;
    case PersonalisationErrorCode.ProofFailed:
      return 422;
    case CardReportErrorCode.NotFound:
    case TemporaryCardErrorCode.NotFound:
    case ReissueErrorCode.NotFound:
    case KeyRecoveryErrorCode.NotFound:
    case PinUnblockErrorCode.NotFound:
      return 404;
    case CardReportErrorCode.Invalid:
    case TemporaryCardErrorCode.Invalid:
    case ReissueErrorCode.Invalid:
    case KeyRecoveryErrorCode.Invalid:
    case PinUnblockErrorCode.Invalid:
      return 400;
    case TemporaryCardErrorCode.NotHost:
    case KeyRecoveryErrorCode.NotRequester:
      return 403;
    case TemporaryCardErrorCode.Expired:
    case KeyRecoveryErrorCode.Delivered:
      return 410;
    case CardReportErrorCode.WrongCardState:
    case CardReportErrorCode.AlreadyReported:
    case CardReportErrorCode.NotReported:
    case TemporaryCardErrorCode.WrongState:
    case TemporaryCardErrorCode.PinBlocked:
    case TemporaryCardErrorCode.Exists:
    case TemporaryCardErrorCode.NoEscrow:
    case ReissueErrorCode.WrongCardState:
    case ReissueErrorCode.Pending:
    case ReissueErrorCode.NoEscrow:
    case KeyRecoveryErrorCode.NoKeys:
    case PinUnblockErrorCode.WrongCardState:
    case PinUnblockErrorCode.SessionOpen:
      return 409;
    default:
      return unmapped(code);
  }
}

function unmapped(code: never): number {
  throw new Error(`error code ${String(code)} has no HTTP status`);
}
