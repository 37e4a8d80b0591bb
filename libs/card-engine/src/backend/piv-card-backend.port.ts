import type { KeyObject } from 'node:crypto';
import { CodedError } from '@scm/common';
import type { KeyAlgorithmId, MgmAlgorithmId, PinPolicyId, TouchPolicyId } from '../piv.constants';

/**
 * The store interface of the software PIV card: everything the applet keeps between commands
 * that is not session state. The applet (`PivApplet`) does the APDU parsing, access control
 * (PIN verified? management key authenticated? PIN policy?), command chaining and the 61xx
 * response buffer; a backend only keeps and uses card content. Implementations:
 * `SoftPivBackend` (memory), `FilePivBackend` (a persistent test card) and, later, a VSC.
 *
 * Rules every implementation follows:
 * - Methods may be slow or remote (a VSC checks its PIN through the HSM); the applet awaits
 *   each call and runs one command at a time, so a backend needs no locking of its own.
 * - PIN, PUK and management-key values come in as the 8-byte padded form of the APDU
 *   (ASCII, FF-padded); the backend compares them in constant time and never logs them.
 * - Private keys never leave the backend: only `privateOperation` results do.
 * - Errors: throw `BackendError` with a `BackendErrorCode` for conditions the card must report
 *   with a specific status word; anything else becomes 6F00.
 */
export interface PivCardBackend {
  /** ATR, firmware version and serial. Read on every vpcd presence poll: keep it cheap and synchronous. */
  readonly identity: PivCardIdentity;

  /** Retry counter state of the PIN (80) or PUK (81). */
  retryState(ref: PinReference): Promise<RetryState>;
  /**
   * Checks a PIN or PUK. A blocked reference answers `{ ok: false, remaining: 0 }` without
   * comparing; a wrong value decrements the counter; a right one restores it to the total.
   */
  verifyReference(ref: PinReference, value: Uint8Array): Promise<PinCheck>;
  /** CHANGE REFERENCE DATA: checks `current` like `verifyReference`, then stores `next`. */
  changeReference(ref: PinReference, current: Uint8Array, next: Uint8Array): Promise<PinCheck>;
  /** RESET RETRY COUNTER: checks the PUK like `verifyReference`, then sets the PIN and restores its counter. */
  unblockPin(puk: Uint8Array, newPin: Uint8Array): Promise<PinCheck>;
  /** Yubico SET PIN RETRIES: new totals, and PIN and PUK back to their default values. */
  setRetries(pinTotal: number, pukTotal: number): Promise<void>;

  /** The 9B management key: its algorithm and a way to compute the authentication cryptograms. */
  managementKey(): Promise<ManagementKey>;
  /** Yubico SET MANAGEMENT KEY (key length already checked against the algorithm). */
  setManagementKey(algorithm: MgmAlgorithmId, key: Uint8Array, touchPolicy: TouchPolicyId): Promise<void>;

  /**
   * A data object's value, without its outer tag: the content of `53` for SP 800-73-4
   * containers, of `7E` for Discovery, of `7F61` for the BIT group. `undefined` if absent.
   */
  getObject(tag: number): Promise<Uint8Array | undefined>;
  /** Stores a data object value (same form as `getObject`); `undefined` deletes it. */
  putObject(tag: number, value: Uint8Array | undefined): Promise<void>;

  /** The key in a slot (public part and policies), or `undefined` if the slot is empty. */
  getKey(slot: number): Promise<SlotKeyInfo | undefined>;
  /** Generates a key pair in a slot (replacing what was there). Policies come resolved (never DEFAULT). */
  generateKey(slot: number, algorithm: KeyAlgorithmId, policy: KeyPolicy): Promise<SlotKeyInfo>;
  /** Stores an imported private key (already validated against `algorithm`). */
  importKey(slot: number, algorithm: KeyAlgorithmId, privateKey: KeyObject, policy: KeyPolicy): Promise<SlotKeyInfo>;
  /** Uses a slot's private key. The applet has checked the PIN policy and the algorithm. */
  privateOperation(slot: number, op: PrivateOperation): Promise<Uint8Array>;

  /**
   * Optional Yubico ATTEST: a DER X.509 certificate for the key in `slot`, signed by the key in
   * F9, or `undefined` when the slot is empty. A backend without it makes ATTEST answer 6D00.
   */
  attest?(slot: number): Promise<Uint8Array | undefined>;

  /** Yubico RESET: keys, objects, PIN, PUK, retries and management key back to a blank card. */
  reset(): Promise<void>;
}

export interface PivCardIdentity {
  /** Answer-to-reset. Must announce T=1 (yubico-piv-tool 2.2.0 connects with T=1 only). */
  readonly atr: Uint8Array;
  /** Firmware version reported by GET VERSION; at least 5 so ykpiv asks for the serial with F8. */
  readonly version: readonly [number, number, number];
  /** Serial reported by GET SERIAL (u32). */
  readonly serial: number;
}

export type PinReference = 0x80 | 0x81;

export interface RetryState {
  readonly total: number;
  /** 0 = blocked. */
  readonly remaining: number;
  /** True while the value is the factory default. */
  readonly isDefault: boolean;
}

/** Outcome of checking a PIN or PUK. */
export type PinCheck = { readonly ok: true } | { readonly ok: false; readonly remaining: number };

export interface ManagementKey {
  readonly algorithm: MgmAlgorithmId;
  readonly touchPolicy: TouchPolicyId;
  readonly isDefault: boolean;
  /** Encrypts one block (8 bytes for 3DES, 16 for AES) in ECB mode under the 9B key. */
  encryptBlock(block: Uint8Array): Promise<Uint8Array>;
}

export interface KeyPolicy {
  readonly pin: PinPolicyId;
  readonly touch: TouchPolicyId;
}

export interface SlotKeyInfo {
  readonly algorithm: KeyAlgorithmId;
  readonly policy: KeyPolicy;
  readonly origin: 'generated' | 'imported';
  readonly publicKey: KeyObject;
}

/**
 * What a slot's private key is asked to do:
 * - `rsa-raw`: the raw RSA private operation on a modulus-length block the host has padded;
 * - `ecdsa`: an ECDSA signature over `hash` (truncated to the order's length), DER `SEQUENCE{r,s}`;
 * - `ecdh`: the shared secret (the X coordinate) with the uncompressed peer point.
 */
export type PrivateOperation =
  | { readonly kind: 'rsa-raw'; readonly input: Uint8Array }
  | { readonly kind: 'ecdsa'; readonly hash: Uint8Array }
  | { readonly kind: 'ecdh'; readonly peerPoint: Uint8Array };

export enum BackendErrorCode {
  /** The input does not fit the key (e.g. an RSA block not below the modulus, a point not on the curve). */
  InvalidInput = 'INVALID_INPUT',
  /** The slot holds no key. */
  NoKey = 'NO_KEY',
  /** Storage is full. */
  NoSpace = 'NO_SPACE',
  /** The backend refuses the operation in its current state (e.g. a disabled VSC). */
  Refused = 'REFUSED',
}

/** An error a backend raises so the applet answers with the matching status word. */
export class BackendError extends CodedError<BackendErrorCode> {
  constructor(
    readonly code: BackendErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, {}, options);
  }
}
