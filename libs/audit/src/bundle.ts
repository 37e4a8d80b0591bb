import { createHash } from 'node:crypto';
import { CodedError } from '@scm/common';
import type { AuditRecord } from './audit-chain';
import { ChainVerifier, type Checkpoint, type VerifyReport } from './chain-verifier';

/** The auditor's offline bundle: what `audit export` writes and `audit verify --bundle` reads. */
export const BUNDLE_FILES = {
  events: 'events.jsonl',
  checkpoints: 'checkpoints.json',
  key: 'checkpoint-key.der',
  manifest: 'manifest.json',
} as const;

export enum AuditBundleErrorCode {
  /** A bundle file that is not what `audit export` writes (not JSON, wrong shape, wrong types). */
  Malformed = 'audit.bundle-malformed',
}

/** A bundle that cannot be read at all; a bundle that reads but does not verify is a report with problems instead. */
export class AuditBundleError extends CodedError<AuditBundleErrorCode> {
  readonly code = AuditBundleErrorCode.Malformed;
}

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
  const manifest = readManifest(files.manifest);
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
  const own = readCheckpoints(files.checkpoints).map(checkpointFromJson);
  const checkpoints = [...own, ...extraCheckpoints.filter((x) => !own.some((c) => c.seq === x.seq && c.headHash === x.headHash))];
  const v = new ChainVerifier(checkpoints);
  let line = 0;
  for (const text of files.events.split('\n')) {
    line++;
    if (!text) continue;
    let record: unknown;
    try {
      record = JSON.parse(text);
    } catch {
      fileProblems.push(`events.jsonl line ${line} is not valid JSON`);
      break;
    }
    if (!isRecordShape(record)) {
      fileProblems.push(`events.jsonl line ${line} is not an audit event`);
      break;
    }
    v.push(record);
  }
  const rep = v.finish([trustedKey ?? files.key]);
  if (rep.head.seq !== manifest.head.seq || rep.head.hash !== manifest.head.hash)
    fileProblems.push(`the events end at ${rep.head.seq}, the manifest says ${manifest.head.seq}`);
  return { ...rep, ok: rep.ok && fileProblems.length === 0, keyFingerprint, fileProblems };
}

// ---------------------------------------------------------------- shape of the bundle's files

const isObject = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);
const isSeq = (x: unknown): x is number => Number.isSafeInteger(x) && (x as number) >= 0;

function parseJson(text: string, file: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new AuditBundleError(`${file} is not valid JSON`, { file });
  }
}

/** manifest.json: an object of the bundle format with its head, key fingerprint and file hashes. */
function readManifest(text: string): BundleManifest {
  const m = parseJson(text, BUNDLE_FILES.manifest);
  if (!isObject(m) || m.format !== 'scm-audit-bundle-v1')
    throw new AuditBundleError(`not an SCM audit bundle (format ${isObject(m) ? String(m.format) : 'missing'})`, {
      file: BUNDLE_FILES.manifest,
    });
  const head = m.head;
  const ok =
    isObject(head) &&
    isSeq(head.seq) &&
    typeof head.hash === 'string' &&
    typeof m.keyFingerprint === 'string' &&
    isObject(m.files) &&
    Object.values(m.files).every((h) => typeof h === 'string');
  if (!ok)
    throw new AuditBundleError('manifest.json lacks the head, key fingerprint or file hashes of a bundle', { file: BUNDLE_FILES.manifest });
  return m as unknown as BundleManifest;
}

/** checkpoints.json: a list of stored checkpoints (numbers and strings where they belong). */
function readCheckpoints(text: string): StoredCheckpoint[] {
  const list = parseJson(text, BUNDLE_FILES.checkpoints);
  if (!Array.isArray(list)) throw new AuditBundleError('checkpoints.json is not a list of checkpoints', { file: BUNDLE_FILES.checkpoints });
  list.forEach((c: unknown, i) => {
    const ok =
      isObject(c) &&
      isSeq(c.seq) &&
      ['headHash', 'signedAt', 'keyLabel', 'algorithm', 'publicKey', 'signature'].every((k) => typeof c[k] === 'string');
    if (!ok)
      throw new AuditBundleError(`checkpoints.json entry ${i + 1} is not a checkpoint`, { file: BUNDLE_FILES.checkpoints, entry: i + 1 });
  });
  return list as StoredCheckpoint[];
}

/** An event line whose links can be followed (its hash then says whether its content is intact). */
function isRecordShape(r: unknown): r is AuditRecord {
  return isObject(r) && isSeq(r.seq) && typeof r.hash === 'string' && typeof r.prevHash === 'string';
}
