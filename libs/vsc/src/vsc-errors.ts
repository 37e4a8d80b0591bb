import { CodedError } from '@scm/common';

/**
 * Codes of every VSC failure. `vsc.format.*` and `vsc.integrity.*` reject a file whole
 * (invariant 4); the others refuse one operation on a VSC that passed its checks.
 */
export enum VscErrorCode {
  /** The first 8 bytes are not the VSC magic. */
  Magic = 'vsc.format.magic',
  /** A format version this program does not read. */
  Version = 'vsc.format.version',
  /** Unknown file type or structure byte. */
  FileType = 'vsc.format.file-type',
  /** The length in the preamble, or a section's length, does not match the bytes. */
  Length = 'vsc.format.length',
  /** Malformed TLV: bad tag, bad or non-minimal length, missing, duplicate or misplaced field. */
  Structure = 'vsc.format.structure',
  /** A field decodes but its value is out of range or not in canonical form. */
  Value = 'vsc.format.value',
  /** The seal (HMAC under the HSM's KEK over the whole content) does not verify. */
  SealTag = 'vsc.integrity.seal',
  /** The state section's HMAC does not verify. */
  StateTag = 'vsc.integrity.state',
  /** The state section belongs to another content version. */
  StateMismatch = 'vsc.integrity.state-mismatch',
  /** The file names an HSM key (label, version) this HSM does not hold. */
  UnknownKey = 'vsc.integrity.unknown-key',
  /** An area's AES-GCM tag does not verify. */
  AreaTag = 'vsc.integrity.area',
  /** The recovery key slot does not unwrap under the HSM's recovery key. */
  RecoverySlot = 'vsc.integrity.recovery-slot',
  /** The secret-key area and the public keys disagree. */
  Inconsistent = 'vsc.integrity.inconsistent',
  /** Wrong PIN, password or PUK; `meta.remaining` tries are left. */
  WrongPin = 'vsc.auth.wrong-pin',
  /** The PIN (or PUK) retry counter is at zero. */
  PinBlocked = 'vsc.auth.blocked',
  /** The VSC has no cardholder (or PUK) path yet: it was sealed for the recovery path only. */
  NoCardholderPath = 'vsc.auth.no-cardholder-path',
  /** The operation needs the private areas opened (PIN verified or recovery path). */
  NotOpen = 'vsc.auth.not-open',
  /** A PIN, password or PUK that does not meet the rules (length, characters). */
  BadPin = 'vsc.auth.bad-pin',
  /** The VSC is disabled. */
  Disabled = 'vsc.state.disabled',
  /** The VSC's expiry has passed. */
  Expired = 'vsc.state.expired',
  ObjectNotFound = 'vsc.object.not-found',
  ObjectExists = 'vsc.object.exists',
  InvalidObject = 'vsc.object.invalid',
  /** A key slot holds no key (or no private key in this VSC). */
  SlotEmpty = 'vsc.key.slot-empty',
  UnsupportedAlgorithm = 'vsc.key.unsupported-algorithm',
  /** A certificate's public key is not the slot's key. */
  KeyMismatch = 'vsc.key.mismatch',
  /** The target card cannot hold this object (type, size, access control or tag range). */
  CannotHold = 'vsc.copy.cannot-hold',
  /** A card's identity (CHUID, Security Object) is never copied onto another card. */
  IdentityCopyRefused = 'vsc.copy.identity-refused',
}

/** Codes that mean "this file is rejected whole". */
const REJECTIONS: ReadonlySet<VscErrorCode> = new Set([
  VscErrorCode.Magic,
  VscErrorCode.Version,
  VscErrorCode.FileType,
  VscErrorCode.Length,
  VscErrorCode.Structure,
  VscErrorCode.Value,
  VscErrorCode.SealTag,
  VscErrorCode.StateTag,
  VscErrorCode.StateMismatch,
  VscErrorCode.UnknownKey,
  VscErrorCode.AreaTag,
  VscErrorCode.RecoverySlot,
  VscErrorCode.Inconsistent,
]);

/** Every VSC error. `meta` holds safe details (offset, field, remaining tries), never secrets. */
export class VscError extends CodedError<VscErrorCode> {
  constructor(
    readonly code: VscErrorCode,
    message: string,
    meta: Record<string, unknown> = {},
    options?: { cause?: unknown },
  ) {
    super(REJECTIONS.has(code) ? `VSC rejected: ${message}` : message, meta, options);
  }

  /** True when the file failed its consistency check and nothing of it may be used. */
  get isRejection(): boolean {
    return REJECTIONS.has(this.code);
  }
}

/** A consistency-check failure at a byte offset of the file. */
export function formatError(code: VscErrorCode, what: string, offset?: number, extra: Record<string, unknown> = {}): VscError {
  return new VscError(code, offset === undefined ? what : `${what} (at byte ${offset})`, { offset, ...extra });
}

export function isVscError(e: unknown, code?: VscErrorCode): e is VscError {
  return e instanceof VscError && (code === undefined || e.code === code);
}

/** The error every key protector raises for a key (label, version) it does not hold. */
export function unknownKeyError(kind: 'KEK' | 'recovery key', ref: { label: string; version: number }): VscError {
  return new VscError(
    VscErrorCode.UnknownKey,
    `the file is protected by ${kind} "${ref.label}" v${ref.version}, which this HSM does not hold (the file was altered, or sealed by another HSM)`,
    { key: ref.label, version: ref.version },
  );
}
