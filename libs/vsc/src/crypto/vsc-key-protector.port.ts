import { timingSafeEqual } from 'node:crypto';
import type { KeyRef } from '../format/vsc-model';

/** The outcome of checking a MAC, with what a log of a failed check should say about how it was computed. */
export interface MacCheck {
  ok: boolean;
  /** Safe facts for logs (e.g. the HSM session that computed the MAC); never key material. */
  context: Record<string, string | number>;
}

/** What an HMAC under the KEK is computed for; each purpose has its own message prefix. */
export type KekPurpose = 'cardholder' | 'seal' | 'state';

/**
 * The HSM side of the VSC crypto. Two keys, named by label and version in every header:
 * - the KEK, a non-extractable HMAC-SHA-256 key: derives the cardholder path's wrapping key from
 *   the Argon2id output of a PIN (so every PIN guess costs an HSM operation), and computes the
 *   seal and state MACs;
 * - the recovery key, a non-extractable AES-256 key: wraps the content key with AES-GCM.
 * Implementations: `MemoryKeyProtector` (tests, test vectors) and `HsmKeyProtector` (PKCS#11).
 * An unreachable HSM is reported by throwing (an `HsmError` for the PKCS#11 one), never as a
 * failed check, so a wrong PIN and a missing HSM cannot be confused. A key (label, version) the
 * HSM does not hold is `unknownKeyError(...)`: the file is rejected.
 */
export interface VscKeyProtector {
  /** The keys new VSCs are sealed with. */
  currentKeys(): Promise<{ kek: KeyRef; recovery: KeyRef }>;
  /** HMAC(KEK, kekMessage('cardholder', context, kdfOutput)): the cardholder path's 32-byte wrapping key. */
  deriveCardholderKey(kek: KeyRef, kdfOutput: Uint8Array, context: Uint8Array): Promise<Buffer>;
  /** HMAC(KEK, kekMessage(purpose, data)) for the seal and the state section. */
  mac(kek: KeyRef, purpose: 'seal' | 'state', data: Uint8Array): Promise<Buffer>;
  /** Checks `mac` against HMAC(KEK, kekMessage(purpose, data)) in constant time. */
  checkMac(kek: KeyRef, purpose: 'seal' | 'state', data: Uint8Array, mac: Uint8Array): Promise<MacCheck>;
  /** AES-256-GCM under the recovery key, with a nonce the HSM picks: the nonce, and the ciphertext followed by the 16-byte tag. */
  wrapForRecovery(recovery: KeyRef, cek: Uint8Array, aad: Uint8Array): Promise<{ nonce: Buffer; wrapped: Buffer }>;
  /** The CEK, or `undefined` when the GCM tag does not verify under this recovery key. */
  unwrapForRecovery(recovery: KeyRef, wrapped: Uint8Array, nonce: Uint8Array, aad: Uint8Array): Promise<Buffer | undefined>;
}

const PREFIX: Record<KekPurpose, Buffer> = {
  cardholder: Buffer.from('SCM-VSC/1 cardholder\0', 'latin1'),
  seal: Buffer.from('SCM-VSC/1 seal\0', 'latin1'),
  state: Buffer.from('SCM-VSC/1 state\0', 'latin1'),
};

/** The message an HMAC under the KEK covers: a purpose prefix, then the parts. Every implementation uses this. */
export function kekMessage(purpose: KekPurpose, ...parts: Uint8Array[]): Buffer {
  return Buffer.concat([PREFIX[purpose], ...parts]);
}

/** A MacCheck from a MAC computed again: constant-time comparison, and the context to report. */
export function compareMac(expected: Uint8Array, mac: Uint8Array, context: MacCheck['context']): MacCheck {
  const a = Buffer.from(expected);
  const b = Buffer.from(mac);
  return { ok: a.length === b.length && timingSafeEqual(a, b), context };
}

/** The HSM keys VSCs are sealed with unless configured otherwise (docs/vsc-format.md, "HSM keys"). */
export const DEFAULT_VSC_KEYS: { kek: KeyRef; recovery: KeyRef } = {
  kek: { label: 'scm-vsc-kek', version: 1 },
  recovery: { label: 'scm-recovery', version: 1 },
};
