import { createHash, createPublicKey, verify } from 'node:crypto';
import { workerAuthMessage } from '@scm/common';
import { WorkerError, WorkerErrorCode } from './worker-errors';
import type { CardWorker, EnrollmentToken } from './worker.repository';

/** Enrolment tokens are kept as their SHA-256 only. */
export const enrollmentTokenHash = (token: string): Buffer => createHash('sha256').update(token, 'utf8').digest();

/** A challenge is valid this long after it was issued, and only once. */
export const CHALLENGE_TTL_MS = 60_000;

/** A public key a worker registers (SPKI DER, base64), checked for its type and re-encoded; BadKey otherwise. */
export function publicKeyDer(b64: string, type: 'ed25519' | 'x25519'): Buffer {
  const der = Buffer.from(b64, 'base64');
  try {
    const k = createPublicKey({ key: der, format: 'der', type: 'spki' });
    if (k.asymmetricKeyType !== type) throw new Error(`expected ${type}, got ${k.asymmetricKeyType}`);
    return Buffer.from(k.export({ format: 'der', type: 'spki' }));
  } catch (e) {
    throw new WorkerError(WorkerErrorCode.BadKey, `the ${type} public key is not valid: ${(e as Error).message}`);
  }
}

/** Why an enrolment token does not admit a worker (the audit reason), or null when it does. */
export function enrollmentTokenProblem(
  t: EnrollmentToken | undefined,
  now: Date,
): 'unknown-token' | 'token-already-used' | 'token-expired' | null {
  if (!t) return 'unknown-token';
  if (t.usedAt) return 'token-already-used';
  if (t.expiresAt <= now) return 'token-expired';
  return null;
}

/** Whether the fingerprint an officer read at the worker is the registered one (dashes and case aside). */
export const fingerprintMatches = (w: CardWorker, shown: string | undefined): boolean =>
  !!shown && shown.replace(/-/g, '').toUpperCase() === w.fingerprint.replace(/-/g, '');

/** Whether the worker's registered signing key signed this challenge. */
export function challengeSignatureValid(w: CardWorker, nonceHex: string, signatureB64: string): boolean {
  const key = createPublicKey({ key: w.signKey, format: 'der', type: 'spki' });
  return verify(null, workerAuthMessage(w.id, nonceHex), key, Buffer.from(signatureB64, 'base64'));
}
