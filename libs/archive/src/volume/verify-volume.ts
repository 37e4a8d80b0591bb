import { X509Certificate } from 'node:crypto';
import { checkpointSignatureValid } from '@scm/audit';
import { VscFileType, parseVscFile } from '@scm/vsc';
import { DocumentError, strictBase64 } from '../format/document';
import { readVscHeader } from '../format/vsc-header';
import { decodeManifest, type Manifest } from '../format/manifest.codec';
import { decodeSidecar, sidecarSignedBytes, type RegionKind, type Sidecar } from '../format/sidecar.codec';
import {
  encodePemBundle,
  fingerprintText,
  parseCertificate,
  readCertificates,
  sha256Hex,
  verifyChain,
  verifyEcdsa,
} from '../format/signatures';
import { ForwardReader, sha256OfRange, toSource, type ImageInput, type ImageSource } from '../iso/image-source';
import { IsoError, readIso, type IsoFile, type IsoImage } from '../iso/iso9660-reader';
import { CERTIFICATES_PATH, MANIFEST_PATH, SECTOR, SIGNATURE_PATH } from './layout';

const isZero = (b: Uint8Array): boolean => {
  for (let i = 0; i < b.length; i++) if (b[i] !== 0) return false;
  return true;
};

const keyLabelOf = (k: { label: string; version: number }): string => `${k.label}/${k.version}`;

/** Where a problem is: a VSC file, the manifest, its signature, the certificates, an ISO structure, padding, the sidecar. */
export interface Place {
  kind: RegionKind | 'file' | 'sidecar' | 'previous';
  name: string;
  offset?: number;
  length?: number;
}

/** One check and how it ended. */
export interface Finding {
  check: string;
  ok: boolean;
  message: string;
  where?: Place;
}

export interface VolumeReport {
  ok: boolean;
  volume: number | null;
  volumeId: string | null;
  createdAt: string | null;
  image: { size: number; sha256: string };
  entries: number;
  signer: { keyLabel: string; subject: string; fingerprint: string; trust: 'chain' | 'fingerprint-only' | 'untrusted' } | null;
  checkpoint: { seq: number; headHash: string; signedAt: string; keyLabel: string; keyFingerprint: string } | null;
  previous: { volume: number; imageSha256: string } | null;
  findings: Finding[];
  /** Every place where bytes differ from what was sealed, each named once. */
  changed: Place[];
}

export interface VerifyOptions {
  /** The signed sidecar written beside the image. Without it the whole-image hash cannot be checked. */
  sidecar?: Uint8Array;
  /** Certificates to trust (the issuing CA or root, DER): the signer must chain to one of them. */
  issuerCertificates?: readonly Uint8Array[];
  /** The image of the volume this one should follow. */
  previous?: ImageInput;
  /**
   * Results of the VSC format check by file SHA-256 (null: passed), for callers that verify many
   * images sharing files (the format check is a function of the bytes; a changed file has another hash).
   */
  formatCache?: Map<string, string | null>;
  /**
   * Also run the full VSC structural check (libs/vsc: every object's certificate and key parsed)
   * on every file, as the VSC sealer did before the version went into escrow. Off by default: the
   * file's SHA-256 against the signed manifest pins it to those bytes, and the header is checked
   * either way (which VSC, which version, which HSM keys). About 5 ms a file.
   */
  fullFormatCheck?: boolean;
}

/** The structural half of the VSC consistency check, and the file being what its manifest entry says; null when it passes. */
function formatProblem(bytes: Buffer, e: { vscId: string; version: number; kek: string; recoveryKey: string }): string | null {
  try {
    const parsed = parseVscFile(bytes);
    const h = parsed.content.header;
    if (parsed.type !== VscFileType.Content) return 'not a content file';
    if (h.id !== e.vscId || h.hierarchy.version !== e.version) return `the file is VSC ${h.id} version ${h.hierarchy.version}`;
    if (keyLabelOf(h.keys.kek) !== e.kek || keyLabelOf(h.keys.recovery) !== e.recoveryKey)
      return 'its HSM keys are not the ones the manifest names';
    return null;
  } catch (err) {
    return (err as Error).message;
  }
}

/** The header half: the file is the VSC, version and HSM keys its manifest entry names; null when it passes. */
function headerProblem(bytes: Buffer, e: { vscId: string; version: number; kek: string; recoveryKey: string }): string | null {
  try {
    const h = readVscHeader(bytes);
    if (h.id !== e.vscId || h.hierarchy.version !== e.version) return `the file is VSC ${h.id} version ${h.hierarchy.version}`;
    if (keyLabelOf(h.keys.kek) !== e.kek || keyLabelOf(h.keys.recovery) !== e.recoveryKey)
      return 'its HSM keys are not the ones the manifest names';
    return null;
  } catch (err) {
    return (err as Error).message;
  }
}

/** The key of VerifyOptions.formatCache for a manifest entry: the format check depends on the bytes (by hash) and the entry. */
export const formatCacheKey = (e: { sha256: string; vscId: string; version: number; kek: string; recoveryKey: string }): string =>
  `${e.sha256}/${e.vscId}/${e.version}/${e.kek}/${e.recoveryKey}`;

/** The bytes of a file in the image (a view of an image in memory; a copy read from a file source). */
export function fileBytes(image: ImageInput, f: IsoFile): Buffer {
  if (image instanceof Uint8Array) return Buffer.from(image.buffer, image.byteOffset + f.lba * SECTOR, f.size);
  return image.read(f.lba * SECTOR, f.size);
}

/** The parts of a volume every reader needs, each with the error that kept it from being read. */
export interface VolumeParts {
  iso?: IsoImage;
  isoError?: IsoError;
  files: Map<string, IsoFile>;
  manifestBytes?: Buffer;
  manifest?: Manifest;
  manifestError?: string;
  signature?: Buffer;
  certificatesBytes?: Buffer;
  chain?: Buffer[];
  /** The same certificates, parsed once. */
  chainCerts?: X509Certificate[];
  certificatesError?: string;
}

/** Reads the ISO structure, the manifest, its signature and the certificates, without judging them. */
export function readVolumeParts(input: ImageInput): VolumeParts {
  const image = toSource(input);
  const parts: VolumeParts = { files: new Map() };
  try {
    parts.iso = readIso(image);
  } catch (e) {
    if (!(e instanceof IsoError)) throw e;
    parts.isoError = e;
    return parts;
  }
  for (const f of parts.iso.files) parts.files.set(f.path, f);
  const m = parts.files.get(MANIFEST_PATH);
  if (!m) parts.manifestError = `${MANIFEST_PATH} is missing from the image`;
  else {
    parts.manifestBytes = fileBytes(image, m);
    try {
      parts.manifest = decodeManifest(parts.manifestBytes);
    } catch (e) {
      if (!(e instanceof DocumentError)) throw e;
      parts.manifestError = e.message;
    }
  }
  const s = parts.files.get(SIGNATURE_PATH);
  if (s) parts.signature = fileBytes(image, s);
  const c = parts.files.get(CERTIFICATES_PATH);
  if (!c) parts.certificatesError = `${CERTIFICATES_PATH} is missing from the image`;
  else {
    parts.certificatesBytes = fileBytes(image, c);
    try {
      const chain = readCertificates(parts.certificatesBytes);
      if (!encodePemBundle(chain).equals(parts.certificatesBytes)) throw new Error('not in its canonical PEM form');
      parts.chainCerts = chain.map(parseCertificate);
      parts.chain = chain;
    } catch (e) {
      parts.certificatesError = `${CERTIFICATES_PATH}: ${(e as Error).message}`;
    }
  }
  return parts;
}

/** True when the manifest signature verifies under the first certificate of the chain, and that certificate is the one the manifest names. */
export function manifestSignatureValid(parts: VolumeParts): boolean {
  const { manifest, manifestBytes, signature, chain, chainCerts } = parts;
  if (!manifest || !manifestBytes || !signature || !chain?.length || !chainCerts?.length) return false;
  if (sha256Hex(chain[0]) !== manifest.signer.certificateSha256) return false;
  return verifyEcdsa(manifest.signer.algorithm, manifestBytes, signature, chainCerts[0]);
}

/**
 * Verifies a volume offline (no database, no HSM): the whole-image SHA-256 against the signed
 * sidecar, the manifest signature and certificates, every VSC file's hash and format (the
 * structural half of the VSC consistency check), and the link to the previous volume. A changed
 * byte is named by the place it hits, using the sidecar's signed map of the image.
 */
export function verifyVolume(image: ImageInput, opts: VerifyOptions = {}): VolumeReport {
  const findings: Finding[] = [];
  const changed = new Map<string, Place>();
  const add = (check: string, ok: boolean, message: string, where?: Place): void => {
    findings.push({ check, ok, message, ...(where ? { where } : {}) });
    if (!ok && where && where.kind !== 'previous') changed.set(`${where.kind}\0${where.name}`, where);
  };
  // The image is read by position: a file source holds a few pages of it at a time.
  const img: ImageSource = toSource(image);
  const imageSha = sha256OfRange(img);
  const parts = readVolumeParts(img);
  const report: VolumeReport = {
    ok: false,
    volume: null,
    volumeId: null,
    createdAt: null,
    image: { size: img.size, sha256: imageSha },
    entries: 0,
    signer: null,
    checkpoint: null,
    previous: null,
    findings,
    changed: [],
  };

  // 1. The sidecar and the whole image.
  let sidecar: Sidecar | undefined;
  let sidecarTrusted = false;
  const sidecarPlace: Place = { kind: 'sidecar', name: 'the sidecar' };
  if (!opts.sidecar) add('sidecar', false, 'no sidecar: the SHA-256 of the whole image cannot be checked');
  else {
    try {
      sidecar = decodeSidecar(opts.sidecar);
    } catch (e) {
      if (!(e instanceof DocumentError)) throw e;
      add('sidecar', false, e.message, { ...sidecarPlace, ...(e.offset !== undefined ? { offset: e.offset } : {}) });
    }
    if (sidecar) {
      let cert: X509Certificate | undefined;
      try {
        const der = strictBase64(sidecar.signer.certificate, 'sidecar.signer.certificate');
        cert = parseCertificate(der);
      } catch (e) {
        add('sidecar signature', false, `the sidecar's signer certificate does not parse: ${(e as Error).message}`, sidecarPlace);
      }
      if (cert) {
        sidecarTrusted = verifyEcdsa(sidecar.signer.algorithm, sidecarSignedBytes(sidecar), Buffer.from(sidecar.signature, 'hex'), cert);
        add(
          'sidecar signature',
          sidecarTrusted,
          sidecarTrusted ? `signed by ${sidecar.signer.keyLabel}` : 'the sidecar signature does not verify',
          sidecarTrusted ? undefined : sidecarPlace,
        );
      }
      const sizeOk = sidecar.image.size === img.size;
      const hashOk = sidecar.image.sha256 === imageSha;
      add(
        'image hash',
        sizeOk && hashOk,
        sizeOk && hashOk
          ? `SHA-256 ${imageSha} as the sidecar says`
          : !sizeOk
            ? `the image is ${img.size} bytes; the sidecar says ${sidecar.image.size}`
            : `the SHA-256 of the image (${imageSha}) is not the one in the sidecar (${sidecar.image.sha256})`,
      );
      if (sidecarTrusted && sizeOk && !hashOk) {
        for (const r of sidecar.regions) {
          if (r.offset + r.length > img.size || sha256OfRange(img, r.offset, r.length) !== r.sha256)
            add('region', false, `${r.name} changed (bytes ${r.offset}..${r.offset + r.length - 1})`, {
              kind: r.kind,
              name: r.name,
              offset: r.offset,
              length: r.length,
            });
        }
      }
    }
  }

  // 2. The ISO structure, the manifest and its signature.
  if (!parts.iso) {
    add('iso structure', false, `the ISO 9660 structure does not read: ${parts.isoError?.message}`, {
      kind: 'iso',
      name: 'the ISO structures',
      ...(parts.isoError?.offset !== undefined ? { offset: parts.isoError.offset } : {}),
    });
    return finish();
  }
  const iso = parts.iso;
  add('iso structure', true, `ISO 9660${iso.rockRidge ? ', Rock Ridge' : ''}${iso.joliet ? ', Joliet' : ''}; ${iso.files.length} files`);
  const joliet = new Map(iso.jolietFiles.map((f) => [f.path, f]));
  const disagree = iso.files.filter((f) => {
    const j = joliet.get(f.path);
    return !j || j.lba !== f.lba || j.size !== f.size;
  });
  if (!iso.rockRidge || !iso.joliet || disagree.length || joliet.size !== iso.files.length)
    add(
      'iso trees',
      false,
      !iso.rockRidge || !iso.joliet
        ? 'the image lacks Rock Ridge or Joliet'
        : `the Joliet tree and the Rock Ridge tree disagree${disagree.length ? ` on ${disagree[0].path}` : ''}`,
      { kind: 'iso', name: 'the ISO structures' },
    );
  const manifestPlace = (): Place => {
    const f = parts.files.get(MANIFEST_PATH);
    return { kind: 'manifest', name: MANIFEST_PATH, ...(f ? { offset: f.lba * SECTOR, length: f.size } : {}) };
  };
  const m = parts.manifest;
  if (!m) {
    add('manifest', false, parts.manifestError ?? 'the manifest does not read', manifestPlace());
    return finish();
  }
  report.volume = m.volume;
  report.volumeId = m.volumeId;
  report.createdAt = m.createdAt;
  report.entries = m.entries.length;
  report.previous = m.previous;
  add('manifest', true, `volume ${m.volume}, ${m.entries.length} VSC files, sealed ${m.createdAt}`);
  if (iso.volumeId !== m.volumeId)
    add('volume id', false, `the ISO volume id ${iso.volumeId} is not ${m.volumeId}`, { kind: 'iso', name: 'volume descriptors' });

  if (!parts.chain)
    add('certificates', false, parts.certificatesError ?? 'no certificates', { kind: 'certificates', name: CERTIFICATES_PATH });
  else if (sha256Hex(parts.certificatesBytes!) !== m.signer.certificates.sha256)
    add('certificates', false, `${CERTIFICATES_PATH} is not the file the manifest names`, {
      kind: 'certificates',
      name: CERTIFICATES_PATH,
    });
  else if (sha256Hex(parts.chain[0]) !== m.signer.certificateSha256)
    add('certificates', false, 'the first certificate is not the signer the manifest names', {
      kind: 'certificates',
      name: CERTIFICATES_PATH,
    });
  else add('certificates', true, `${parts.chain.length} certificates, signer first`);

  if (!parts.signature) add('manifest signature', false, `${SIGNATURE_PATH} is missing`, { kind: 'signature', name: SIGNATURE_PATH });
  else {
    const ok = manifestSignatureValid(parts);
    add(
      'manifest signature',
      ok,
      ok ? `signed by ${m.signer.keyLabel}` : 'the manifest signature does not verify',
      ok ? undefined : { kind: 'signature', name: 'the manifest or its signature' },
    );
  }

  if (parts.chain?.length && parts.chainCerts?.length) {
    const signerCert = parts.chainCerts[0];
    const subject = signerCert.subject.replace(/\n/g, ', ');
    const fingerprint = fingerprintText(parts.chain[0]);
    report.signer = { keyLabel: m.signer.keyLabel, subject, fingerprint, trust: 'fingerprint-only' };
    if (opts.issuerCertificates?.length) {
      const r = verifyChain(parts.chain, opts.issuerCertificates, new Date(m.createdAt));
      report.signer.trust = r.ok ? 'chain' : 'untrusted';
      add(
        'signer trust',
        r.ok,
        r.ok ? `the signer certificate chains to "${r.anchor?.subject}"` : r.problems.join('; '),
        r.ok ? undefined : { kind: 'certificates', name: CERTIFICATES_PATH },
      );
    } else
      add(
        'signer trust',
        true,
        `no issuer certificate given: compare the signer's SHA-256 fingerprint out of band: ${fingerprint} (${subject})`,
      );
    if (sidecar) {
      const same = Buffer.from(sidecar.signer.certificate, 'base64').equals(parts.chain[0]);
      if (!same) add('sidecar signer', false, 'the sidecar is signed by another certificate than the manifest', sidecarPlace);
    }
  }
  if (sidecar) {
    if (sidecar.volume !== m.volume)
      add('sidecar volume', false, `the sidecar is for volume ${sidecar.volume}, the image is volume ${m.volume}`, sidecarPlace);
    if (parts.manifestBytes && sidecar.manifestSha256 !== sha256Hex(parts.manifestBytes))
      add('sidecar manifest', false, 'the manifest is not the one the sidecar names', manifestPlace());
    if (sidecar.previousImageSha256 !== (m.previous?.imageSha256 ?? null))
      add('sidecar previous', false, 'the sidecar and the manifest disagree on the previous volume', sidecarPlace);
  }

  // 3. The audit checkpoint the volume is anchored to.
  try {
    const ok = checkpointSignatureValid({
      seq: m.audit.seq,
      headHash: m.audit.headHash,
      signedAt: m.audit.signedAt,
      keyLabel: m.audit.keyLabel,
      algorithm: m.audit.algorithm,
      publicKey: strictBase64(m.audit.publicKey, 'audit.publicKey'),
      signature: Buffer.from(m.audit.signature, 'hex'),
    });
    report.checkpoint = {
      seq: m.audit.seq,
      headHash: m.audit.headHash,
      signedAt: m.audit.signedAt,
      keyLabel: m.audit.keyLabel,
      keyFingerprint: fingerprintText(Buffer.from(m.audit.publicKey, 'base64')),
    };
    add(
      'audit checkpoint',
      ok,
      ok
        ? `audit chain head ${m.audit.seq} (${m.audit.headHash.slice(0, 16)}…), checkpoint signed ${m.audit.signedAt} by ${m.audit.keyLabel}`
        : 'the audit checkpoint signature does not verify',
      ok ? undefined : manifestPlace(),
    );
  } catch (e) {
    add('audit checkpoint', false, (e as Error).message, manifestPlace());
  }

  // 4. Every VSC file: present, hash, size, format, and nothing else in the image.
  const listed = new Set<string>([MANIFEST_PATH, SIGNATURE_PATH, CERTIFICATES_PATH]);
  let filesOk = 0;
  const vscSectors = new Set<number>();
  const files = new ForwardReader(img);
  for (const e of m.entries) {
    listed.add(e.path);
    const f = parts.files.get(e.path);
    if (!f) {
      add('vsc file', false, `${e.path} is missing from the image`, { kind: 'iso', name: 'the ISO structures' });
      continue;
    }
    const place: Place = { kind: 'file', name: e.path, offset: f.lba * SECTOR, length: f.size };
    for (let s = f.lba; s < f.lba + Math.ceil(f.size / SECTOR); s++) vscSectors.add(s);
    // One read per file: its bytes and the padding to the end of its last sector.
    const extent = files.read(f.lba * SECTOR, Math.ceil(f.size / SECTOR) * SECTOR);
    const bytes = extent.subarray(0, f.size);
    if (f.size !== e.size || sha256Hex(bytes) !== e.sha256) {
      add(
        'vsc file',
        false,
        `${e.path}: ${f.size !== e.size ? `${f.size} bytes, the manifest says ${e.size}` : 'SHA-256 differs from the manifest'}`,
        place,
      );
      continue;
    }
    const tail = extent.subarray(f.size);
    if (!isZero(tail))
      add('padding', false, `the padding after ${e.path} is not zero`, {
        kind: 'padding',
        name: `padding after ${e.path}`,
        offset: f.lba * SECTOR + f.size,
        length: tail.length,
      });
    let problem: string | null | undefined;
    if (opts.fullFormatCheck) {
      const key = formatCacheKey(e);
      problem = opts.formatCache?.get(key);
      if (problem === undefined) {
        problem = formatProblem(bytes, e);
        opts.formatCache?.set(key, problem);
      }
    } else problem = headerProblem(bytes, e);
    if (problem) add('vsc file', false, `${e.path}: ${problem}`, place);
    else filesOk++;
  }
  add(
    'vsc files',
    filesOk === m.entries.length,
    `${filesOk} of ${m.entries.length} VSC files have the hash, size and format the manifest says` +
      (opts.fullFormatCheck ? ' (full VSC structural check)' : ' (VSC header; the structure was checked when each version was sealed)'),
  );
  for (const f of iso.files)
    if (!listed.has(f.path)) add('unexpected file', false, `${f.path} is not in the manifest`, { kind: 'iso', name: 'the ISO structures' });

  // 5. Every sector is either a VSC file or in the sidecar's map.
  if (sidecar && sidecarTrusted && sidecar.image.size === img.size) {
    const covered = new Uint8Array(img.size / SECTOR);
    for (const r of sidecar.regions) covered.fill(1, r.offset / SECTOR, (r.offset + r.length) / SECTOR);
    let clash = 0;
    for (const s of vscSectors) {
      if (covered[s]) clash++;
      covered[s] = 1;
    }
    const holes = covered.reduce((n, c) => n + (c ? 0 : 1), 0);
    if (clash || holes)
      add('image map', false, `${holes} sectors are neither a VSC file nor in the sidecar's map, ${clash} are both`, {
        kind: 'iso',
        name: 'the ISO structures',
      });
  }

  // 6. The previous volume.
  if (opts.previous) {
    const prevSha = sha256OfRange(toSource(opts.previous));
    let prevVolume: number | undefined;
    try {
      prevVolume = readVolumeParts(opts.previous).manifest?.volume;
    } catch {
      prevVolume = undefined;
    }
    const place: Place = { kind: 'previous', name: 'the previous volume' };
    if (!m.previous) add('previous volume', false, 'this is volume 1: it follows no volume', place);
    else if (m.previous.imageSha256 === prevSha)
      add('previous volume', true, `follows volume ${m.previous.volume} (image SHA-256 ${prevSha})`);
    else if (prevVolume !== undefined && prevVolume < m.previous.volume)
      add(
        'previous volume',
        false,
        `the image given as previous is volume ${prevVolume}; volume ${m.volume} follows volume ${m.previous.volume}: ` +
          `volume${m.previous.volume - prevVolume > 1 ? `s ${prevVolume + 1}..${m.previous.volume} are` : ` ${m.previous.volume} is`} missing from the chain`,
        place,
      );
    else
      add(
        'previous volume',
        false,
        `the image given as previous${prevVolume !== undefined ? ` (volume ${prevVolume})` : ''} is not the volume ${m.volume} follows ` +
          `(its SHA-256 is ${prevSha}; the manifest names ${m.previous.imageSha256})`,
        place,
      );
  }
  return finish();

  function finish(): VolumeReport {
    report.changed = [...changed.values()];
    report.ok = findings.every((f) => f.ok);
    return report;
  }
}
