import { ArchiveErrorCode } from '@scm/archive';
import { AuditBundleErrorCode } from '@scm/audit';
import { CaErrorCode } from '@scm/ca';
import { BackendErrorCode } from '@scm/card-engine';
import { HsmErrorCode } from '@scm/hsm';
// Type only: @scm/pcsc loads the pcsclite binding, which has no business in the API process.
import type { PcscErrorCode } from '@scm/pcsc';
import { PivErrorCode } from '@scm/piv';
import { VscErrorCode } from '@scm/vsc';
import { CardReportErrorCode } from '../../help-desk/card-reports/card-report-errors';
import { CardUpdateErrorCode } from '../../card-updates/card-update-errors';
import { KeyRecoveryErrorCode } from '../../help-desk/key-recovery/key-recovery-errors';
import { PinUnblockErrorCode } from '../../help-desk/pin-unblock/pin-unblock-errors';
import { ReissueErrorCode } from '../../help-desk/reissue/reissue-errors';
import { TemporaryCardErrorCode } from '../../help-desk/temporary-cards/temporary-card-errors';
import { CardholderErrorCode } from '../../issuance/cardholders/cardholder-errors';
import { CardErrorCode } from '../../issuance/cards/card-errors';
import { ProfileErrorCode } from '../../issuance/profiles/profile-errors';
import { IssuanceErrorCode } from '../../issuance/requests/issuance-errors';
import { VscEscrowErrorCode } from '../../issuance/vsc-escrow/vsc-escrow-errors';
import { PersonalisationErrorCode } from '../../personalisation/personalisation-errors';
import { StockErrorCode } from '../../stock/stock-errors';
import { ApprovalErrorCode } from '../../trust/approvals/approval-errors';
import { AuthErrorCode } from '../../trust/auth/auth-errors';
import { UserErrorCode } from '../../trust/users/user-errors';
import { WorkerErrorCode } from '../../trust/workers/worker-errors';
import { LifecycleErrorCode } from '../../lifecycle/lifecycle-errors';
import { ApiErrorCode } from './api-errors';

/** Every error code a library or a module of the API can raise. */
export type ErrorCode =
  | ApiErrorCode
  | HsmErrorCode
  | VscErrorCode
  | PivErrorCode
  | PcscErrorCode
  | BackendErrorCode
  | CaErrorCode
  | ArchiveErrorCode
  | AuditBundleErrorCode
  | AuthErrorCode
  | ApprovalErrorCode
  | UserErrorCode
  | WorkerErrorCode
  | CardholderErrorCode
  | ProfileErrorCode
  | LifecycleErrorCode
  | IssuanceErrorCode
  | VscEscrowErrorCode
  | CardErrorCode
  | PersonalisationErrorCode
  | StockErrorCode
  | CardReportErrorCode
  | TemporaryCardErrorCode
  | ReissueErrorCode
  | KeyRecoveryErrorCode
  | PinUnblockErrorCode
  | CardUpdateErrorCode;

/** The HTTP statuses SCM answers with; each has a title in the problem filter. */
export type HttpStatus = 400 | 401 | 403 | 404 | 409 | 410 | 413 | 422 | 423 | 429 | 500 | 502 | 503 | 504;

/**
 * The one table from error code to HTTP status. Its type names every code of every union member
 * above: a code added to any enum without a status here, or a status for a code that does not
 * exist, fails to compile.
 */
const STATUS: { readonly [C in ErrorCode]: HttpStatus } = {
  // ---- the API's edges
  [ApiErrorCode.NotFound]: 404,
  [ApiErrorCode.Invalid]: 400,
  [ApiErrorCode.Conflict]: 409,

  // ---- libs/hsm: an unreachable HSM is a service problem; a key that does not fit is ours
  [HsmErrorCode.Unavailable]: 503,
  [HsmErrorCode.TokenNotFound]: 503,
  [HsmErrorCode.TokenAmbiguous]: 503,
  [HsmErrorCode.LoginFailed]: 503,
  [HsmErrorCode.KeyExists]: 409,
  [HsmErrorCode.KeyNotFound]: 500,
  [HsmErrorCode.KeyMismatch]: 500,
  [HsmErrorCode.OperationFailed]: 500,

  // ---- libs/vsc: a VSC given to the API that fails its checks is unprocessable; stored copies
  // that fail are reported as VscEscrowErrorCode.IntegrityAlarm by the escrow, never as these.
  [VscErrorCode.Magic]: 422,
  [VscErrorCode.Version]: 422,
  [VscErrorCode.FileType]: 422,
  [VscErrorCode.Length]: 422,
  [VscErrorCode.Structure]: 422,
  [VscErrorCode.Value]: 422,
  [VscErrorCode.SealTag]: 422,
  [VscErrorCode.StateTag]: 422,
  [VscErrorCode.StateMismatch]: 422,
  [VscErrorCode.UnknownKey]: 422,
  [VscErrorCode.AreaTag]: 422,
  [VscErrorCode.RecoverySlot]: 422,
  [VscErrorCode.Inconsistent]: 422,
  [VscErrorCode.WrongPin]: 403,
  [VscErrorCode.PinBlocked]: 423,
  [VscErrorCode.NoCardholderPath]: 409,
  [VscErrorCode.NotOpen]: 409,
  [VscErrorCode.BadPin]: 400,
  [VscErrorCode.Disabled]: 409,
  [VscErrorCode.Expired]: 410,
  [VscErrorCode.ObjectNotFound]: 404,
  [VscErrorCode.ObjectExists]: 409,
  [VscErrorCode.InvalidObject]: 400,
  [VscErrorCode.SlotEmpty]: 409,
  [VscErrorCode.UnsupportedAlgorithm]: 400,
  [VscErrorCode.KeyMismatch]: 400,
  [VscErrorCode.CannotHold]: 422,
  [VscErrorCode.IdentityCopyRefused]: 403,

  // ---- libs/piv and libs/pcsc: the card and its reader are upstream of the API
  [PivErrorCode.NotPiv]: 422,
  [PivErrorCode.InvalidPin]: 403,
  [PivErrorCode.PinBlocked]: 423,
  [PivErrorCode.InvalidPuk]: 403,
  [PivErrorCode.PukBlocked]: 423,
  [PivErrorCode.BadPinFormat]: 400,
  [PivErrorCode.ManagementKeyRejected]: 403,
  [PivErrorCode.CardNotAuthenticated]: 403,
  [PivErrorCode.NotAuthorized]: 403,
  [PivErrorCode.NoKey]: 409,
  [PivErrorCode.NotSupported]: 422,
  [PivErrorCode.BadObject]: 422,
  [PivErrorCode.InvalidArgument]: 400,
  [PivErrorCode.CardError]: 502,
  'pcsc.card-removed': 409,
  'pcsc.no-card': 409,
  'pcsc.reader-gone': 503,
  'pcsc.sharing-violation': 409,
  'pcsc.timeout': 504,
  'pcsc.protocol-mismatch': 502,
  'pcsc.card-reset': 409,
  'pcsc.service-unavailable': 503,
  'pcsc.reader-busy': 409,
  'pcsc.not-connected': 409,
  'pcsc.unresponsive-card': 504,
  'pcsc.other': 502,

  // ---- libs/card-engine (a software card's backend)
  [BackendErrorCode.InvalidInput]: 400,
  [BackendErrorCode.NoKey]: 409,
  [BackendErrorCode.NoSpace]: 409,
  [BackendErrorCode.Refused]: 409,

  // ---- libs/ca
  [CaErrorCode.InvalidRequest]: 400,
  [CaErrorCode.NotFound]: 404,
  [CaErrorCode.InvalidState]: 409,
  [CaErrorCode.NotConfigured]: 503,
  [CaErrorCode.GuidMismatch]: 409,
  [CaErrorCode.SignatureInvalid]: 500,
  [CaErrorCode.StoreConflict]: 409,

  // ---- libs/archive
  [ArchiveErrorCode.EscrowMismatch]: 500,
  [ArchiveErrorCode.WriterFailed]: 500,
  [ArchiveErrorCode.SignerNotReady]: 503,
  [ArchiveErrorCode.NotFound]: 404,
  [ArchiveErrorCode.ImageInvalid]: 500,
  [ArchiveErrorCode.Invalid]: 400,
  [ArchiveErrorCode.Purged]: 410,

  // ---- libs/audit: an offline bundle that cannot be read (the CLI's; an upload would be unprocessable)
  [AuditBundleErrorCode.Malformed]: 422,

  // ---- trust
  [AuthErrorCode.Unauthenticated]: 401,
  [AuthErrorCode.InvalidCredentials]: 401,
  [AuthErrorCode.Forbidden]: 403,
  [AuthErrorCode.AccountDisabled]: 403,
  [AuthErrorCode.NoAccessRule]: 403,
  [AuthErrorCode.ReauthRequired]: 403,
  [AuthErrorCode.PasswordChangeRequired]: 403,
  [AuthErrorCode.Locked]: 423,
  [ApprovalErrorCode.NotFound]: 404,
  [ApprovalErrorCode.SubjectRequired]: 400,
  [ApprovalErrorCode.AlreadyDecided]: 409,
  [ApprovalErrorCode.Closed]: 409,
  [ApprovalErrorCode.SubjectMismatch]: 409,
  [ApprovalErrorCode.Expired]: 410,
  [ApprovalErrorCode.SelfApproval]: 403,
  [ApprovalErrorCode.NotAllowed]: 403,
  [UserErrorCode.NotFound]: 404,
  [UserErrorCode.Invalid]: 400,
  [UserErrorCode.WeakPassword]: 400,
  [UserErrorCode.UsernameTaken]: 409,
  [UserErrorCode.RoleAlreadyHeld]: 409,
  [UserErrorCode.RoleNotHeld]: 409,
  [UserErrorCode.WrongPassword]: 403,
  [WorkerErrorCode.NotFound]: 404,
  [WorkerErrorCode.BadKey]: 400,
  [WorkerErrorCode.FingerprintMismatch]: 409,
  [WorkerErrorCode.BadEnrollmentToken]: 401,
  [WorkerErrorCode.BadSignature]: 401,
  [WorkerErrorCode.NotApproved]: 403,
  [WorkerErrorCode.Revoked]: 403,
  [WorkerErrorCode.WrongWorkstation]: 403,
  [WorkerErrorCode.ApproverMadeToken]: 403,

  // ---- issuance
  [CardholderErrorCode.NotFound]: 404,
  [CardholderErrorCode.Invalid]: 400,
  [CardholderErrorCode.InvalidBatch]: 422,
  [CardholderErrorCode.TooMany]: 413,
  [CardholderErrorCode.UpnTaken]: 409,
  [CardholderErrorCode.NotActive]: 409,
  [ProfileErrorCode.NotFound]: 404,
  [ProfileErrorCode.Invalid]: 500,
  [ProfileErrorCode.InvalidProposal]: 422,
  [ProfileErrorCode.Stale]: 409,
  [ProfileErrorCode.Unchanged]: 409,
  [LifecycleErrorCode.NotFound]: 404,
  [LifecycleErrorCode.Invalid]: 400,
  [LifecycleErrorCode.AlreadyTerminated]: 409,
  [LifecycleErrorCode.NotTerminated]: 409,
  [LifecycleErrorCode.RetentionRunning]: 409,
  [LifecycleErrorCode.AlreadyPurged]: 409,
  [IssuanceErrorCode.NotFound]: 404,
  [IssuanceErrorCode.Invalid]: 400,
  [IssuanceErrorCode.WrongSlot]: 400,
  [IssuanceErrorCode.InvalidBatch]: 422,
  [IssuanceErrorCode.TooMany]: 413,
  [IssuanceErrorCode.IllegalTransition]: 409,
  [IssuanceErrorCode.OpenRequestExists]: 409,
  [IssuanceErrorCode.NotClaimant]: 403,
  [IssuanceErrorCode.NotSponsored]: 403,
  [IssuanceErrorCode.SponsorIsRequester]: 403,
  [VscEscrowErrorCode.NotFound]: 404,
  [VscEscrowErrorCode.VersionConflict]: 409,
  // A stored copy that fails its checks: not the caller's fault, and no retry mends it.
  [VscEscrowErrorCode.IntegrityAlarm]: 500,
  [CardErrorCode.NotFound]: 404,
  [CardErrorCode.IllegalTransition]: 409,

  // ---- personalisation
  [PersonalisationErrorCode.NotFound]: 404,
  [PersonalisationErrorCode.NoActivationSession]: 404,
  [PersonalisationErrorCode.Invalid]: 400,
  [PersonalisationErrorCode.ActivatorIsRequester]: 403,
  [PersonalisationErrorCode.NotClaimant]: 403,
  [PersonalisationErrorCode.NotLeased]: 409,
  [PersonalisationErrorCode.NotInFlight]: 409,
  [PersonalisationErrorCode.BoundToAnotherWorker]: 409,
  [PersonalisationErrorCode.ClaimRateExceeded]: 429,
  [PersonalisationErrorCode.RequestClosed]: 409,
  [PersonalisationErrorCode.NotReady]: 409,
  [PersonalisationErrorCode.WaitsForAnotherCard]: 409,
  [PersonalisationErrorCode.CardTaken]: 409,
  [PersonalisationErrorCode.CardLacksCapability]: 409,
  [PersonalisationErrorCode.CardNotBlank]: 409,
  [PersonalisationErrorCode.CardSpoiled]: 409,
  [PersonalisationErrorCode.CardInUse]: 409,
  [PersonalisationErrorCode.WrongCardState]: 409,
  [PersonalisationErrorCode.ActivationOpen]: 409,
  [PersonalisationErrorCode.ProofFailed]: 422,

  // ---- card stock: a card outside registered stock, or one that cannot prove its transport key, is refused
  [StockErrorCode.NotFound]: 404,
  [StockErrorCode.InvalidManifest]: 400,
  [StockErrorCode.Conflict]: 409,
  [StockErrorCode.NotInStock]: 409,
  [StockErrorCode.DevelopmentStockDisabled]: 409,
  [StockErrorCode.CardUnavailable]: 409,
  [StockErrorCode.ProofFailed]: 422,
  [StockErrorCode.AttestationRefused]: 422,

  // ---- card updates
  [CardUpdateErrorCode.NotFound]: 404,
  [CardUpdateErrorCode.Invalid]: 400,
  [CardUpdateErrorCode.CardNotUpdatable]: 409,
  [CardUpdateErrorCode.AlreadyOpen]: 409,
  [CardUpdateErrorCode.WrongState]: 409,
  [CardUpdateErrorCode.NotRunner]: 403,
  [CardUpdateErrorCode.ProofFailed]: 422,
  [CardUpdateErrorCode.SelfApproval]: 403,

  // ---- help desk
  [CardReportErrorCode.NotFound]: 404,
  [CardReportErrorCode.Invalid]: 400,
  [CardReportErrorCode.WrongCardState]: 409,
  [CardReportErrorCode.AlreadyReported]: 409,
  [CardReportErrorCode.NotReported]: 409,
  [TemporaryCardErrorCode.NotFound]: 404,
  [TemporaryCardErrorCode.Invalid]: 400,
  [TemporaryCardErrorCode.NotHost]: 403,
  [TemporaryCardErrorCode.Expired]: 410,
  [TemporaryCardErrorCode.WrongState]: 409,
  [TemporaryCardErrorCode.PinBlocked]: 409,
  [TemporaryCardErrorCode.Exists]: 409,
  [TemporaryCardErrorCode.NoEscrow]: 409,
  [ReissueErrorCode.NotFound]: 404,
  [ReissueErrorCode.Invalid]: 400,
  [ReissueErrorCode.WrongCardState]: 409,
  [ReissueErrorCode.Pending]: 409,
  [ReissueErrorCode.NoEscrow]: 409,
  [KeyRecoveryErrorCode.NotFound]: 404,
  [KeyRecoveryErrorCode.Invalid]: 400,
  [KeyRecoveryErrorCode.NotRequester]: 403,
  [KeyRecoveryErrorCode.Delivered]: 410,
  [KeyRecoveryErrorCode.NoKeys]: 409,
  [KeyRecoveryErrorCode.Expired]: 410,
  [PinUnblockErrorCode.NotFound]: 404,
  [PinUnblockErrorCode.Invalid]: 400,
  [PinUnblockErrorCode.WrongCardState]: 409,
  [PinUnblockErrorCode.SessionOpen]: 409,
};

/** The HTTP status of a coded error, or undefined for a code no table knows (a bug: the filter answers 500). */
export function statusOf(code: string): HttpStatus | undefined {
  return Object.prototype.hasOwnProperty.call(STATUS, code) ? STATUS[code as ErrorCode] : undefined;
}
