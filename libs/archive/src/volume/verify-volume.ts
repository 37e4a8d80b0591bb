import { X509Certificate, createHash } from 'node:crypto';
import { checkpointSignatureValid } from '@scm/audit';
import { VscFileType, parseVscFile } from '@scm/vsc';
import { DocumentError, strictBase64 } from '../format/document';
import { readVscHeader } from '../format/vsc-header';
import { decodeManifest, type Manifest } from '../format/manifest.codec';
import { manifestDirectories, scanManifest, type ManifestHeader } from '../format/manifest-stream';
import { decodeSidecar, sidecarSignedBytes, type RegionKind, type Sidecar } from '../format/sidecar.codec';
import {
  encodePemBundle,
  fingerprintText,
  parseCertificate,
  readCertificates,
  sha256Hex,
  streamingEcdsaVerifier,
  verifyChain,
  verifyEcdsa,
} from '../format/signatures';
import { ForwardReader, sha256OfRange, toSource, type ImageInput, type ImageSource } from '../iso/image-source';
import {
  IsoError,
  directoryFiles,
  readIso,
  readIsoStructure,
  type IsoDirectory,
  type IsoFile,
  type IsoImage,
  type IsoStructure,
} from '../iso/iso9660-reader';
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

/** MANIFEST.SIG and CERTS.PEM from the files of the image's root, the chain parsed, or why it is not. */
function signatureAndCertificates(
  image: ImageInput,
  files: ReadonlyMap<string, IsoFile>,
): Pick<VolumeParts, 'signature' | 'certificatesBytes' | 'chain' | 'chainCerts' | 'certificatesError'> {
  const out: Pick<VolumeParts, 'signature' | 'certificatesBytes' | 'chain' | 'chainCerts' | 'certificatesError'> = {};
  const s = files.get(SIGNATURE_PATH);
  if (s) out.signature = fileBytes(image, s);
  const c = files.get(CERTIFICATES_PATH);
  if (!c) out.certificatesError = `${CERTIFICATES_PATH} is missing from the image`;
  else {
    out.certificatesBytes = fileBytes(image, c);
    try {
      const chain = readCertificates(out.certificatesBytes);
      if (!encodePemBundle(chain).equals(out.certificatesBytes)) throw new Error('not in its canonical PEM form');
      out.chainCerts = chain.map(parseCertificate);
      out.chain = chain;
    } catch (e) {
      out.certificatesError = `${CERTIFICATES_PATH}: ${(e as Error).message}`;
    }
  }
  return out;
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
  Object.assign(parts, signatureAndCertificates(image, parts.files));
  return parts;
}

/**
 * What verifying a volume needs before its files, read without holding any list the size of the
 * volume: the ISO structure (directories, no files), the files of the root, the manifest read
 * through once (its header, how many entries, its SHA-256 and the data of its signature check),
 * the signature and the certificates.
 */
export interface VolumeHead {
  iso?: IsoStructure;
  isoError?: IsoError;
  /** Files of the root directory (Rock Ridge tree). */
  root: Map<string, IsoFile>;
  manifestFile?: IsoFile;
  manifest?: ManifestHeader;
  entries: number;
  manifestSha256?: string;
  manifestVerifier?: ReturnType<typeof streamingEcdsaVerifier>;
  manifestError?: string;
  signature?: Buffer;
  certificatesBytes?: Buffer;
  chain?: Buffer[];
  chainCerts?: X509Certificate[];
  certificatesError?: string;
}

export function readVolumeHead(image: ImageSource): VolumeHead {
  const head: VolumeHead = { root: new Map(), entries: 0 };
  try {
    head.iso = readIsoStructure(image);
    const rootDir = head.iso.directories.find((d) => d.tree === 'iso' && d.path === '/');
    for (const f of rootDir ? directoryFiles(image, head.iso, rootDir) : []) head.root.set(f.path, f);
  } catch (e) {
    if (!(e instanceof IsoError)) throw e;
    head.isoError = e;
    return head;
  }
  const m = head.root.get(MANIFEST_PATH);
  if (!m) head.manifestError = `${MANIFEST_PATH} is missing from the image`;
  else {
    head.manifestFile = m;
    const hash = createHash('sha256');
    const verifier = streamingEcdsaVerifier();
    try {
      const scan = scanManifest(image, m.lba * SECTOR, m.size, (chunk) => {
        hash.update(chunk);
        verifier.update(chunk);
      });
      head.manifest = scan.header;
      head.entries = scan.entries;
      head.manifestSha256 = hash.digest('hex');
      head.manifestVerifier = verifier;
    } catch (e) {
      if (!(e instanceof DocumentError)) throw e;
      head.manifestError = e.message;
    }
  }
  Object.assign(head, signatureAndCertificates(image, head.root));
  return head;
}

/**
 * Where the two directory trees first disagree (a directory or file of one missing from the
 * other, or at another place), or undefined when they agree; one directory at a time.
 */
function treesDisagree(image: ImageSource, iso: IsoStructure): string | undefined {
  const joliet = new Map(iso.directories.filter((d) => d.tree === 'joliet').map((d) => [d.path, d]));
  let dirs = 0;
  for (const d of iso.directories) {
    if (d.tree !== 'iso') continue;
    dirs++;
    const j = joliet.get(d.path);
    if (!j) return d.path.slice(1) || '/';
    const theirs = new Map(directoryFiles(image, iso, j).map((f) => [f.path, f]));
    const ours = directoryFiles(image, iso, d);
    for (const f of ours) {
      const x = theirs.get(f.path);
      if (!x || x.lba !== f.lba || x.size !== f.size) return f.path;
    }
    if (theirs.size !== ours.length) return [...theirs.keys()].find((k) => !ours.some((f) => f.path === k)) ?? (d.path.slice(1) || '/');
  }
  if (dirs !== joliet.size) return [...joliet.keys()].find((k) => !iso.directories.some((d) => d.tree === 'iso' && d.path === k))?.slice(1);
  return undefined;
}

/** As manifestSignatureValid, for a head read as a stream. */
export function headSignatureValid(head: VolumeHead): boolean {
  const verifier = head.manifestVerifier;
  return !!verifier && signedByNamedCertificate(head, (alg, sig, cert) => verifier.verify(alg, sig, cert));
}

/** True when the manifest signature verifies under the first certificate of the chain, and that certificate is the one the manifest names. */
export function manifestSignatureValid(parts: VolumeParts): boolean {
  const bytes = parts.manifestBytes;
  return !!bytes && signedByNamedCertificate(parts, (alg, sig, cert) => verifyEcdsa(alg, bytes, sig, cert));
}

/** The check both share: the chain's first certificate is the manifest's signer, and `verify` accepts the signature under it. */
function signedByNamedCertificate(
  parts: Pick<VolumeHead, 'manifest' | 'signature' | 'chain' | 'chainCerts'>,
  verify: (algorithm: string, signature: Buffer, certificate: X509Certificate) => boolean,
): boolean {
  const { manifest, signature, chain, chainCerts } = parts;
  if (!manifest || !signature || !chain?.length || !chainCerts?.length) return false;
  if (sha256Hex(chain[0]) !== manifest.signer.certificateSha256) return false;
  return verify(manifest.signer.algorithm, signature, chainCerts[0]);
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
  const parts = readVolumeHead(img);
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
  add('iso structure', true, `ISO 9660${iso.rockRidge ? ', Rock Ridge' : ''}${iso.joliet ? ', Joliet' : ''}; ${iso.fileCount.iso} files`);
  const disagree = iso.rockRidge && iso.joliet ? treesDisagree(img, iso) : undefined;
  if (!iso.rockRidge || !iso.joliet || disagree !== undefined || iso.fileCount.joliet !== iso.fileCount.iso)
    add(
      'iso trees',
      false,
      !iso.rockRidge || !iso.joliet
        ? 'the image lacks Rock Ridge or Joliet'
        : `the Joliet tree and the Rock Ridge tree disagree${disagree ? ` on ${disagree}` : ''}`,
      { kind: 'iso', name: 'the ISO structures' },
    );
  const manifestPlace = (): Place => {
    const f = parts.manifestFile;
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
  report.entries = parts.entries;
  report.previous = m.previous;
  add('manifest', true, `volume ${m.volume}, ${parts.entries} VSC files, sealed ${m.createdAt}`);
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
    const ok = headSignatureValid(parts);
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
    if (parts.manifestSha256 && sidecar.manifestSha256 !== parts.manifestSha256)
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

  // 4. Every VSC file: present, hash, size, format, and nothing else in the image. The manifest is
  // read again, one directory's entries at a time, beside that directory's records: nothing the
  // size of the volume is held but a byte per sector.
  const listed = new Set<string>([MANIFEST_PATH, SIGNATURE_PATH, CERTIFICATES_PATH]);
  let filesOk = 0;
  const vscSectors = new Uint8Array(Math.ceil(img.size / SECTOR));
  const files = new ForwardReader(img);
  const unexpected: IsoFile[] = [];
  const directories = new Map<string, IsoDirectory>();
  for (const d of iso.directories) if (d.tree === 'iso') directories.set(d.path.slice(1), d);
  const seen = new Set<string>();
  const mf = parts.manifestFile!;
  for (const run of manifestDirectories(img, mf.lba * SECTOR, mf.size)) {
    seen.add(run.directory);
    const d = directories.get(run.directory);
    const inDir = new Map((d ? directoryFiles(img, iso, d) : []).map((f) => [f.path, f]));
    for (const e of run.entries) {
      const f = inDir.get(e.path);
      if (!f) {
        add('vsc file', false, `${e.path} is missing from the image`, { kind: 'iso', name: 'the ISO structures' });
        continue;
      }
      inDir.delete(e.path);
      const place: Place = { kind: 'file', name: e.path, offset: f.lba * SECTOR, length: f.size };
      vscSectors.fill(1, f.lba, Math.min(vscSectors.length, f.lba + Math.ceil(f.size / SECTOR)));
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
    for (const f of inDir.values()) unexpected.push(f);
  }
  for (const [path, d] of directories)
    if (!seen.has(path)) for (const f of directoryFiles(img, iso, d)) if (!listed.has(f.path)) unexpected.push(f);
  add(
    'vsc files',
    filesOk === parts.entries,
    `${filesOk} of ${parts.entries} VSC files have the hash, size and format the manifest says` +
      (opts.fullFormatCheck ? ' (full VSC structural check)' : ' (VSC header; the structure was checked when each version was sealed)'),
  );
  for (const f of unexpected)
    add('unexpected file', false, `${f.path} is not in the manifest`, { kind: 'iso', name: 'the ISO structures' });

  // 5. Every sector is either a VSC file or in the sidecar's map.
  if (sidecar && sidecarTrusted && sidecar.image.size === img.size) {
    const covered = new Uint8Array(img.size / SECTOR);
    for (const r of sidecar.regions) covered.fill(1, r.offset / SECTOR, (r.offset + r.length) / SECTOR);
    let clash = 0;
    for (let s = 0; s < covered.length; s++) {
      if (!vscSectors[s]) continue;
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
      prevVolume = readVolumeHead(toSource(opts.previous)).manifest?.volume;
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
