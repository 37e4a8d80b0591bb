import { createHash } from 'node:crypto';
import type { AuditRecord } from './audit-chain';
import { ChainVerifier, type Checkpoint, type VerifyReport } from './chain-verifier';

/** The auditor's offline bundle: what `audit export` writes and `audit verify --bundle` reads. */
export const BUNDLE_FILES = {
  events: 'events.jsonl',
  checkpoints: 'checkpoints.json',
  key: 'checkpoint-key.der',
  manifest: 'manifest.json',
} as const;

export interface BundleManifest {
  format: 'scm-audit-bundle-v1';
  exportedAt: string;
  head: { seq: number; hash: string };
  events: number;
  checkpoints: number;
  /** SHA-256 (hex) of the checkpoint key's SPKI: compare it out of band with the HSM's key. */
  keyFingerprint: string;
  /** SHA-256 (hex) of every other file of the bundle. */
  files: Record<string, string>;
}

export const sha256Hex = (b: Uint8Array | string): string => createHash('sha256').update(b).digest('hex');

type StoredCheckpoint = Omit<Checkpoint, 'publicKey' | 'signature'> & { publicKey: string; signature: string };

export const checkpointToJson = (c: Checkpoint): StoredCheckpoint => ({
  ...c,
  publicKey: Buffer.from(c.publicKey).toString('base64'),
  signature: Buffer.from(c.signature).toString('base64'),
});

export const checkpointFromJson = (c: StoredCheckpoint): Checkpoint => ({
  ...c,
  publicKey: new Uint8Array(Buffer.from(c.publicKey, 'base64')),
  signature: new Uint8Array(Buffer.from(c.signature, 'base64')),
});

export interface BundleReport extends VerifyReport {
  keyFingerprint: string;
  fileProblems: string[];
}

/**
 * Verifies a bundle without the database: every file against the manifest, then the chain against
 * the checkpoints, trusting `trustedKey` (the auditor's copy of the checkpoint key) — or, when none
 * is given, the bundle's own key, whose fingerprint the caller must then compare out of band.
 */
export function verifyBundle(
  files: { manifest: string; events: string; checkpoints: string; key: Uint8Array },
  trustedKey?: Uint8Array,
  /** Signed heads from elsewhere — the checkpoints archive volumes carry — checked like the bundle's own. */
  extraCheckpoints: readonly Checkpoint[] = [],
): BundleReport {
  const fileProblems: string[] = [];
  let manifest: BundleManifest;
  try {
    manifest = JSON.parse(files.manifest) as BundleManifest;
  } catch {
    throw new Error('manifest.json is not valid JSON');
  }
  if (manifest.format !== 'scm-audit-bundle-v1') throw new Error(`not an SCM audit bundle (format ${String(manifest.format)})`);
  const check = (name: string, data: Uint8Array | string) => {
    if (manifest.files[name] !== sha256Hex(data)) fileProblems.push(`${name} does not match the manifest (changed, truncated or replaced)`);
  };
  check(BUNDLE_FILES.events, files.events);
  check(BUNDLE_FILES.checkpoints, files.checkpoints);
  check(BUNDLE_FILES.key, files.key);
  const keyFingerprint = sha256Hex(files.key);
  if (keyFingerprint !== manifest.keyFingerprint) fileProblems.push('the checkpoint key does not match the fingerprint in the manifest');
  if (trustedKey && Buffer.compare(Buffer.from(trustedKey), Buffer.from(files.key)) !== 0) {
    fileProblems.push('the bundle names a different checkpoint key than the one you trust');
  }
  const own = (JSON.parse(files.checkpoints) as StoredCheckpoint[]).map(checkpointFromJson);
  const checkpoints = [...own, ...extraCheckpoints.filter((x) => !own.some((c) => c.seq === x.seq && c.headHash === x.headHash))];
  const v = new ChainVerifier(checkpoints);
  let line = 0;
  for (const text of files.events.split('\n')) {
    line++;
    if (!text) continue;
    try {
      v.push(JSON.parse(text) as AuditRecord);
    } catch {
      fileProblems.push(`events.jsonl line ${line} is not valid JSON`);
      break;
    }
  }
  const rep = v.finish([trustedKey ?? files.key]);
  if (rep.head.seq !== manifest.head.seq || rep.head.hash !== manifest.head.hash)
    fileProblems.push(`the events end at ${rep.head.seq}, the manifest says ${manifest.head.seq}`);
  return { ...rep, ok: rep.ok && fileProblems.length === 0, keyFingerprint, fileProblems };
}
