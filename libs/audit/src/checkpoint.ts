import { checkpointMessage } from './audit-chain';
import { chainHead, insertCheckpoint, type Queryable, readCheckpoints } from './audit-store';
import type { Checkpoint } from './chain-verifier';

/** The HSM key that signs checkpoints, behind a port. */
export interface CheckpointSigner {
  readonly keyLabel: string;
  readonly algorithm: 'ECDSA-SHA256' | 'ECDSA-SHA384' | 'RSA-SHA256';
  /** SPKI DER of the signing key. */
  publicKey(): Promise<Uint8Array>;
  /** Signature over data (ECDSA in IEEE P1363 form). */
  sign(data: Uint8Array): Promise<Uint8Array>;
}

/**
 * Signs the current chain head unless the latest checkpoint already covers it. Returns the new
 * checkpoint, or null when nothing changed.
 */
export async function signCheckpoint(db: Queryable, signer: CheckpointSigner, now: Date, force = false): Promise<Checkpoint | null> {
  const head = await chainHead(db);
  if (head.seq === 0) return null;
  const existing = (await db.query('SELECT max(seq) AS seq FROM audit_checkpoint')) as Array<{ seq: string | null }>;
  if (!force && existing[0]?.seq !== null && Number(existing[0].seq) >= head.seq) return null;
  const signedAt = new Date(Math.floor(now.getTime())).toISOString();
  const signature = await signer.sign(checkpointMessage(head.seq, head.hash, signedAt));
  const c: Checkpoint = {
    seq: head.seq,
    headHash: head.hash,
    signedAt,
    keyLabel: signer.keyLabel,
    algorithm: signer.algorithm,
    publicKey: await signer.publicKey(),
    signature,
  };
  await insertCheckpoint(db, c);
  return c;
}

export { readCheckpoints };
