import { X509Certificate } from 'node:crypto';
import { signCheckpoint, type AuditEventInput, type CheckpointSigner } from '@scm/audit';
import type { HsmContext, KeyRef } from '@scm/hsm';
import { ArchiveError, ArchiveErrorCode } from '../archive-errors';
import type { PgArchiveSource } from '../store/pg-archive-source';
import { currentArchiveKey } from './archive-key';
import { ARCHIVE_KEY, HsmArchiveSigner } from './hsm-archive-signer';
import { sealVolume, type SealResult } from './seal-volume';

type AuditFacts = Pick<AuditEventInput, 'action' | 'targetType' | 'targetId' | 'outcome' | 'details'>;

/** What sealing needs from the process around it (the API's unit of work, or the CLI's transaction). */
export interface SealEnvironment {
  hsm: HsmContext;
  /** The archive tables, bound to the sealing transaction. */
  store: PgArchiveSource;
  /** Has the issuing CA certify archive key `key` (in the same transaction); called when it has no valid certificate. */
  certify: (key: KeyRef) => Promise<{ serial: string; certificates: Buffer[]; notAfter: Date }>;
  /** The platform's audit checkpoint key, and the transaction to record the checkpoint in. */
  checkpointSigner: CheckpointSigner;
  now: () => Date;
  /** Records an audit event in the sealing transaction. */
  audit: (facts: AuditFacts) => void;
  /** Where warnings go (the service log, or the CLI's standard error). */
  warn?: (message: string) => void;
  /** The archive key version to sign with; sealing defaults to the newest in the HSM, archiveSigner to version 1. */
  key?: KeyRef;
}

// A certificate this close to its end is renewed before sealing, so a volume is never signed
// by a certificate an auditor will find expired at the sealing time written in it.
const RENEW_BEFORE_MS = 30 * 86_400_000;

/** The archive signer with a valid certificate chain: the one recorded, or a new one the CA issues now (audited). */
export async function archiveSigner(env: SealEnvironment): Promise<HsmArchiveSigner> {
  const ref = env.key ?? ARCHIVE_KEY;
  const label = `${ref.label}/${ref.version}`;
  const key = await env.hsm.getSigningKey(ref, 'P-256');
  const now = env.now();
  const stored = await env.store.signerCertificates(label);
  const usable =
    stored &&
    stored.notAfter.getTime() - RENEW_BEFORE_MS > now.getTime() &&
    new X509Certificate(stored.certificates[0]).publicKey.export({ type: 'spki', format: 'der' }).equals(key.spki);
  if (usable) return HsmArchiveSigner.open(env.hsm, stored.certificates, ref);
  let issued;
  try {
    issued = await env.certify(ref);
  } catch (e) {
    if ((e as { code?: string }).code?.startsWith('hsm.')) throw e;
    throw new ArchiveError(
      ArchiveErrorCode.SignerNotReady,
      `the archive key ${label} has no certificate and the CA could not issue one: ${(e as Error).message}`,
      {},
      { cause: e },
    );
  }
  await env.store.saveSignerCertificates(label, issued.serial, issued.certificates, issued.notAfter, now);
  env.audit({
    action: 'archive.signer-certified',
    targetType: 'archive-key',
    targetId: label,
    outcome: 'success',
    details: { serial: issued.serial, notAfter: issued.notAfter.toISOString(), chain: issued.certificates.length },
  });
  return HsmArchiveSigner.open(env.hsm, issued.certificates, ref);
}

/**
 * Seals the next volume into `outDir` within the caller's transaction: lock, signer (the
 * environment's key, else the newest archive key version in the HSM), a checkpoint of the audit
 * chain signed now, the image and sidecar, the volume recorded, and the audit event.
 */
export async function sealArchive(env: SealEnvironment, outDir: string): Promise<SealResult> {
  await env.store.lock();
  const signer = await archiveSigner({ ...env, key: env.key ?? (await currentArchiveKey(env.hsm)) });
  const r = await sealVolume(
    {
      source: env.store,
      signer,
      now: env.now,
      warn: env.warn,
      checkpoint: async () => {
        const c = await signCheckpoint(env.store.db, env.checkpointSigner, env.now(), true);
        if (!c) throw new ArchiveError(ArchiveErrorCode.Invalid, 'the audit chain is empty: there is no head to anchor a volume to');
        return c;
      },
    },
    { outDir },
  );
  if (!r.sealed) {
    env.audit({
      action: 'archive.nothing-to-seal',
      targetType: 'archive-volume',
      targetId: null,
      outcome: 'success',
      details: { lastVolume: r.lastVolume },
    });
    return r;
  }
  const v = r.volume;
  env.audit({
    action: 'archive.volume-sealed',
    targetType: 'archive-volume',
    targetId: String(v.volume),
    outcome: 'success',
    details: {
      volume: v.volume,
      volumeId: v.volumeId,
      image: v.imagePath,
      imageSha256: v.imageSha256,
      imageSize: v.imageSize,
      manifestSha256: v.manifestSha256,
      previousImageSha256: v.previous?.imageSha256 ?? null,
      auditSeq: v.audit.seq,
      entries: v.entries,
      signer: v.signer.keyLabel,
      ...(v.movedAside.length ? { movedAside: v.movedAside } : {}),
    },
  });
  return r;
}
