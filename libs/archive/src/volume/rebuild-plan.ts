import { X509Certificate } from 'node:crypto';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { parseVscFile } from '@scm/vsc';
import type { ManifestEntry, Manifest } from '../format/manifest.codec';
import { decodeSidecar } from '../format/sidecar.codec';
import { FileImageSource } from '../iso/image-source';
import type { VolumeRecord } from '../seal/archive-ports';
import { sidecarNameOf } from './layout';
import { fileBytes, readVolumeParts, verifyVolume, type VolumeReport } from './verify-volume';

/** A cardholder as the archive knows them: from the subject of a VSC's certificates. */
export interface RebuiltCardholder {
  key: string;
  name: string;
  upn: string | null;
}

/** One VSC version read back from a volume, with what its public objects say. */
export interface RebuiltVersion {
  entry: ManifestEntry;
  volume: number;
  sealedAt: string;
  content: Buffer;
  label: string;
  kind: string;
  cardholderKey: string | null;
}

/** What a set of volumes holds, every volume verified offline and the chain checked. */
export interface RebuildPlan {
  volumes: Array<{ path: string; report: VolumeReport; record: VolumeRecord; entries: ManifestEntry[]; certificates: Buffer[] }>;
  versions: RebuiltVersion[];
  cardholders: Map<string, RebuiltCardholder>;
  /** The audit checkpoint of the last volume: the audit history after it is not in the archive. */
  lastCheckpoint: Manifest['audit'] | null;
  problems: string[];
}

/**
 * The UPN of a subject alternative name as node:crypto prints it: `othername:UPN:user@realm`
 * (some versions print `UPN::`, or the OID 1.3.6.1.4.1.311.20.2.3 for the name); null without one.
 */
export function upnOf(subjectAltName: string | undefined): string | null {
  return (
    /(?:^|,\s*)othername:\s*(?:UPN|1\.3\.6\.1\.4\.1\.311\.20\.2\.3)::?"?([^,\s"]+@[^,\s"]+)"?/i.exec(subjectAltName ?? '')?.[1] ?? null
  );
}

/** The cardholder a VSC belongs to, from its PIV authentication (9A) certificate, else any certificate: the subject's CN and the UPN. */
export function cardholderOf(objects: ReturnType<typeof parseVscFile>['content']['objects']): RebuiltCardholder | null {
  const certs = objects.filter((o) => o.kind === 'certificate');
  const cert = certs.find((c) => c.slot === 0x9a) ?? certs[0];
  if (!cert) return null;
  const x = new X509Certificate(cert.der);
  const cn = /(?:^|\n)CN=([^\n]+)/.exec(x.subject)?.[1]?.trim();
  if (!cn) return null;
  // The UPN of the subject alternative name, when the card profile put one there.
  const upn = upnOf(x.subjectAltName);
  return { key: upn ? `upn:${upn.toLowerCase()}` : `name:${cn}`, name: cn, upn };
}

/**
 * Reads every volume (`*.iso` with its sidecar) of a directory by position, verifies each offline
 * (whole-image hash against the signed sidecar, manifest signature, every file's hash) and the
 * chain between them, and reads every VSC version with what its public objects say (label, kind,
 * the cardholder's name on its certificates). Opening the private areas needs the HSM; nothing
 * here does. A volume that does not verify is a problem, and nothing of it is used.
 */
export function planRebuild(dir: string, opts: { issuerCertificates?: readonly Uint8Array[] } = {}): RebuildPlan {
  const plan: RebuildPlan = { volumes: [], versions: [], cardholders: new Map(), lastCheckpoint: null, problems: [] };
  const names = readdirSync(dir)
    .filter((n) => n.endsWith('.iso'))
    .sort();
  let previousSha: string | null = null;
  let previousVolume = 0;
  for (const name of names) {
    const path = join(dir, name);
    const sidecarPath = join(dir, sidecarNameOf(name));
    if (!existsSync(sidecarPath)) {
      plan.problems.push(`${name}: no sidecar beside it (${sidecarNameOf(name)}): not used`);
      continue;
    }
    const sidecar = readFileSync(sidecarPath);
    const img = FileImageSource.open(path);
    try {
      const report = verifyVolume(img, { sidecar, issuerCertificates: opts.issuerCertificates });
      if (!report.ok) {
        plan.problems.push(
          `${name}: does not verify (${report.findings
            .filter((f) => !f.ok)
            .map((f) => f.message)
            .join('; ')}): not used`,
        );
        continue;
      }
      const parts = readVolumeParts(img);
      const m = parts.manifest!;
      if (m.volume !== previousVolume + 1 || (m.previous?.imageSha256 ?? null) !== previousSha) {
        plan.problems.push(
          `${name}: volume ${m.volume} does not follow volume ${previousVolume} in the chain` +
            `${m.volume > previousVolume + 1 ? ` (volumes ${previousVolume + 1}..${m.volume - 1} are missing)` : ''}: it and later volumes are not used`,
        );
        break;
      }
      const sc = decodeSidecar(sidecar);
      const record: VolumeRecord = {
        volume: m.volume,
        volumeId: m.volumeId,
        createdAt: new Date(m.createdAt),
        directory: dir,
        imageName: name,
        sidecarName: sidecarNameOf(name),
        imageSha256: report.image.sha256,
        imageSize: report.image.size,
        manifestSha256: sc.manifestSha256,
        previous: m.previous,
        audit: { seq: m.audit.seq, headHash: m.audit.headHash },
        signer: { keyLabel: m.signer.keyLabel, certificateSha256: m.signer.certificateSha256 },
        entries: m.entries.length,
      };
      plan.volumes.push({ path, report, record, entries: m.entries, certificates: parts.chain ?? [] });
      for (const e of m.entries) {
        const content = Buffer.from(fileBytes(img, parts.files.get(e.path)!));
        const parsed = parseVscFile(content);
        const h = parsed.content.header;
        const holder = cardholderOf(parsed.content.objects);
        if (holder && !plan.cardholders.has(holder.key)) plan.cardholders.set(holder.key, holder);
        plan.versions.push({
          entry: e,
          volume: m.volume,
          sealedAt: m.createdAt,
          content,
          label: h.label,
          kind: h.kind,
          cardholderKey: holder?.key ?? null,
        });
      }
      plan.lastCheckpoint = m.audit;
      previousSha = report.image.sha256;
      previousVolume = m.volume;
    } finally {
      img.close();
    }
  }
  return plan;
}
