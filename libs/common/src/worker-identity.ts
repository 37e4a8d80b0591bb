import { createHash } from 'node:crypto';

/**
 * A card worker's identity: an Ed25519 key that signs its log-in challenges and an X25519 key that
 * key material is wrapped to. The fingerprint an officer compares before approving covers both.
 */
export function workerFingerprint(signSpki: Uint8Array, kexSpki: Uint8Array): string {
  const h = createHash('sha256').update(signSpki).update(kexSpki).digest('hex').toUpperCase();
  return h.match(/.{4}/g)!.join('-');
}

/** The exact bytes a worker signs to prove it holds its key. */
export function workerAuthMessage(workerId: string, nonceHex: string): Buffer {
  return Buffer.from(`scm-worker-auth-v1|${workerId}|${nonceHex}`, 'utf8');
}
