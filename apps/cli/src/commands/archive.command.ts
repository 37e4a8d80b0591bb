import { closeSync, fstatSync, openSync, readFileSync, readSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Command, CommanderError } from 'commander';
import {
  ArchiveError,
  checkVolumeOnline,
  decodeSidecar,
  escrowCounts,
  FileImageSource,
  notRebuilt,
  planRebuild,
  writeRebuild,
  listVolume,
  manifestSignatureValid,
  PgArchiveSource,
  readCertificates,
  readVolumeParts,
  reconcile,
  recoverVscFromImage,
  sha256OfRange,
  verifyVolume,
  type ArchivedCopy,
  type Finding,
  type VolumeReport,
} from '@scm/archive';
import { hsmSchema, loadConfig, stateSchema } from '@scm/config';
import { HsmContext, hsmSettingsFrom } from '@scm/hsm';
import { HsmKeyProtector } from '@scm/vsc';
import { CliError, printJson, table } from '../output';
import { ServerContext } from '../server-context';
import { serverOperation } from '../server-operation';

/** What the issuer API's seal-volume use case answers (its SealVolumeResult). */
type SealVolumeAnswer =
  | {
      sealed: true;
      volume: number;
      volumeId: string;
      image: string;
      sidecar: string;
      imageSha256: string;
      imageSize: number;
      previous: { volume: number; imageSha256: string } | null;
      auditSeq: number;
      auditHeadHash: string;
      entries: number;
      movedAside: string[];
    }
  | { sealed: false; message: string; lastVolume: number | null };

/** Exit codes of the offline commands: 0 verified, 1 verification failed, 2 usage. */
const USAGE = 2;

/** Commander usage errors (missing argument, unknown option) exit 2 here, help still 0. */
function usageExits(cmd: Command): Command {
  return cmd.exitOverride((err) => {
    throw err.exitCode === 0 ? err : new CommanderError(USAGE, err.code, err.message);
  });
}

function readInput(path: string, what: string, size?: number): Buffer {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (e) {
    throw new CliError(`cannot read ${what} ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, USAGE);
  }
  try {
    const st = fstatSync(fd);
    // Optical media (a block device) are read up to the image size the sidecar gives: drives
    // report whole sectors or more past the end of what was burned.
    if (st.isBlockDevice()) {
      if (size === undefined) throw new CliError(`${path} is a device: give --sidecar so its image size is known`, USAGE);
      const buf = Buffer.alloc(size);
      let off = 0;
      while (off < size) {
        const n = readSync(fd, buf, off, size - off, off);
        if (n === 0) break;
        off += n;
      }
      return buf.subarray(0, off);
    }
    return readFileSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** An image file or optical drive, read by position (never loaded whole); close it when done. */
function openImage(path: string, size?: number): FileImageSource {
  try {
    return FileImageSource.open(path, size);
  } catch (e) {
    if (e instanceof RangeError) throw new CliError(`${path} is a device: give --sidecar so its image size is known`, USAGE);
    throw new CliError(`cannot read image ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, USAGE);
  }
}

/** Runs `fn` on an opened image, then closes it. */
function withImage<T>(path: string, size: number | undefined, fn: (img: FileImageSource) => T): T {
  const img = openImage(path, size);
  try {
    return fn(img);
  } finally {
    img.close();
  }
}

function printReport(rep: VolumeReport, online: Finding[] | undefined): void {
  const out: string[] = [];
  out.push(
    rep.volume !== null
      ? `volume ${rep.volume} (${rep.volumeId}), sealed ${rep.createdAt}, ${rep.entries} VSC files, image ${rep.image.size} bytes`
      : `image ${rep.image.size} bytes`,
  );
  const w = Math.max(...[...rep.findings, ...(online ?? [])].map((f) => f.check.length));
  for (const f of [...rep.findings, ...(online ?? [])]) out.push(`  ${f.ok ? 'ok  ' : 'FAIL'}  ${f.check.padEnd(w)}  ${f.message}`);
  if (rep.signer) {
    out.push(
      `signer: ${rep.signer.subject} (${rep.signer.keyLabel})`,
      `  SHA-256 fingerprint ${rep.signer.fingerprint}`,
      `  ${rep.signer.trust === 'chain' ? 'chains to the issuer certificate given' : rep.signer.trust === 'untrusted' ? 'does NOT chain to the issuer certificate given' : 'not checked against an issuer: compare the fingerprint out of band'}`,
    );
  }
  if (rep.checkpoint)
    out.push(
      `audit: chain head ${rep.checkpoint.seq} ${rep.checkpoint.headHash} (checkpoint key fingerprint ${rep.checkpoint.keyFingerprint})`,
    );
  for (const c of rep.changed)
    out.push(
      `changed: ${c.name}${c.offset !== undefined ? ` (bytes ${c.offset}..${c.offset + (c.length ?? 1) - 1})` : ''} [${kindText(c.kind)}]`,
    );
  const ok = rep.ok && (online ?? []).every((f) => f.ok);
  out.push(ok ? 'OK: the volume verifies' : 'VERIFICATION FAILED');
  process.stdout.write(`${out.join('\n')}\n`);
}

const kindText = (k: string): string =>
  ({
    file: 'a VSC file',
    manifest: 'the manifest',
    signature: 'the manifest signature',
    certificates: 'the certificates',
    iso: 'the ISO structures',
    padding: 'padding',
    sidecar: 'the sidecar',
  })[k] ?? k;

export function registerArchive(program: Command): void {
  const archive = program.command('archive').description('Archive volumes: escrow on write-once media (docs/operations.md)');

  usageExits(archive.command('init-keys'))
    .description(
      'Create the archive key (scm-archive/1) if missing and have the issuing CA certify it (server-side, idempotent; never replaces a key)',
    )
    .option('-q, --quiet', 'print only what was created')
    .action(async (o: { quiet?: boolean }) => {
      const r = await serverOperation<{
        key: string;
        created: boolean;
        certificate: { fresh: boolean; sha256: string } | { missing: string };
      }>('init-archive-key', {});
      if (r.created || !o.quiet)
        process.stdout.write(`${r.key}: ${r.created ? 'created (P-256, signs archive manifests and sidecars)' : 'present'}\n`);
      if ('missing' in r.certificate) {
        process.stdout.write(`${r.key}: no certificate yet (${r.certificate.missing})\n`);
        return;
      }
      if (r.certificate.fresh || !o.quiet)
        process.stdout.write(`${r.key}: certificate ${r.certificate.fresh ? 'issued' : 'present'} (SHA-256 ${r.certificate.sha256})\n`);
    });

  usageExits(archive.command('seal'))
    .description(
      "Seal a new volume from every escrowed VSC version not yet archived into a directory of this host (the issuer API's seal use case; audited)",
    )
    .requiredOption('--out <dir>', 'directory for the image and its sidecar')
    .option('--json', 'machine-readable output')
    .action(async (o: { out: string; json?: boolean }) => {
      const r = await serverOperation<SealVolumeAnswer>('seal-archive', { directory: resolve(o.out) });
      if (o.json) {
        return printJson(
          r.sealed
            ? {
                sealed: true,
                volume: r.volume,
                volumeId: r.volumeId,
                imagePath: r.image,
                sidecarPath: r.sidecar,
                imageSha256: r.imageSha256,
                imageSize: r.imageSize,
                previous: r.previous,
                audit: { seq: r.auditSeq, headHash: r.auditHeadHash },
                entries: r.entries,
                movedAside: r.movedAside,
              }
            : r,
        );
      }
      if (!r.sealed) {
        process.stdout.write(`${r.message}; nothing written\n`);
        return;
      }
      process.stdout.write(
        [
          `sealed volume ${r.volume} (${r.volumeId}): ${r.entries} VSC versions`,
          `image:    ${r.image} (read-only), ${r.imageSize} bytes`,
          `SHA-256:  ${r.imageSha256}`,
          `sidecar:  ${r.sidecar}`,
          `previous: ${r.previous ? `volume ${r.previous.volume}, SHA-256 ${r.previous.imageSha256}` : 'none (first volume)'}`,
          `audit:    chain head ${r.auditSeq} (${r.auditHeadHash.slice(0, 16)}…), checkpoint signed at sealing`,
          ...r.movedAside.map((p) => `moved aside (never committed): ${p}`),
        ].join('\n') + '\n',
      );
    });

  usageExits(archive.command('verify <image>'))
    .description('Verify a volume offline, without the database or the HSM (exit 0 ok, 1 failed, 2 usage)')
    .option('--sidecar <file>', 'the signed sidecar (default: <image>.sidecar.json)')
    .option('--previous <image>', 'the image of the previous volume: check the chain link')
    .option('--issuer-cert <file>', 'trust anchor (PEM or DER): the issuing CA or root certificate the signer must chain to')
    .option('--online', 'also run the checks that need the HSM (seal, recovery slot, GCM tags of every VSC)')
    .option('--json', 'machine-readable report')
    .action(async (image: string, o: { sidecar?: string; previous?: string; issuerCert?: string; online?: boolean; json?: boolean }) => {
      let sidecar: Buffer | undefined;
      const sidecarPath = o.sidecar ?? `${image}.sidecar.json`;
      try {
        if (o.sidecar || statSync(sidecarPath).isFile()) sidecar = readInput(sidecarPath, 'sidecar');
      } catch (e) {
        if (e instanceof CliError) throw e;
      }
      let size: number | undefined;
      try {
        size = sidecar ? decodeSidecar(sidecar).image.size : undefined;
      } catch {
        size = undefined;
      }
      const img = openImage(image, size);
      const previous = o.previous ? openImage(o.previous) : undefined;
      let anchors: Buffer[] | undefined;
      if (o.issuerCert) {
        try {
          anchors = readCertificates(readInput(o.issuerCert, 'issuer certificate'));
        } catch (e) {
          if (e instanceof CliError) throw e;
          throw new CliError(`${o.issuerCert}: ${(e as Error).message}`, USAGE);
        }
      }
      let rep: VolumeReport;
      let online: Finding[] | undefined;
      try {
        rep = verifyVolume(img, { sidecar, previous, issuerCertificates: anchors });
        if (o.online) {
          const hsm = HsmContext.open(hsmSettingsFrom(loadConfig({ ...stateSchema, ...hsmSchema })));
          try {
            online = await checkVolumeOnline(img, new HsmKeyProtector(hsm));
          } finally {
            hsm.close();
          }
        }
      } finally {
        img.close();
        previous?.close();
      }
      if (o.json) printJson({ ...rep, ok: rep.ok && (online ?? []).every((f) => f.ok), online: online ?? null });
      else printReport(rep, online);
      if (!rep.ok || (online && !online.every((f) => f.ok))) process.exitCode = 1;
    });

  usageExits(archive.command('list <image>'))
    .description("A volume's contents: the manifest (its signature checked) and the files of the image (offline)")
    .option('--json', 'machine-readable output')
    .action((image: string, o: { json?: boolean }) => {
      const l = withImage(image, undefined, (img) => listVolume(img));
      if (o.json) return printJson(l);
      const m = l.manifest;
      process.stdout.write(
        [
          `volume ${m.volume} (${m.volumeId}), sealed ${m.createdAt}; manifest signature ${l.signatureValid ? 'verifies' : 'DOES NOT VERIFY'}`,
          `previous: ${m.previous ? `volume ${m.previous.volume}, image SHA-256 ${m.previous.imageSha256}` : 'none'}`,
          `audit:    chain head ${m.audit.seq} (${m.audit.headHash})`,
          `signer:   ${l.signer ? `${l.signer.subject}, SHA-256 fingerprint ${l.signer.fingerprint}` : '-'}`,
          table(
            ['PATH', 'VSC', 'VERSION', 'CARD SERIAL', 'SIZE', 'SHA-256', 'KEK'],
            m.entries.map((e) => [e.path, e.vscId, e.version, e.cardSerial, e.size, e.sha256.slice(0, 16), e.kek]),
          ),
        ].join('\n') + '\n',
      );
      if (!l.signatureValid) process.exitCode = 1;
    });

  usageExits(archive.command('extract <image>'))
    .description('Read one VSC content version back from a volume (offline; manifest signature and file hash checked)')
    .requiredOption('--vsc <id>', 'VSC id')
    .requiredOption('--version <n>', 'content version', (v) => {
      if (!/^[1-9][0-9]{0,9}$/.test(v)) throw new CliError(`--version: "${v}" is not a version number`, USAGE);
      return Number(v);
    })
    .requiredOption('--out <file>', 'where to write the content file')
    .option('--issuer-cert <file>', 'trust anchor the signer must chain to')
    .action((image: string, o: { vsc: string; version: number; out: string; issuerCert?: string }) => {
      const anchors = o.issuerCert ? readCertificates(readInput(o.issuerCert, 'issuer certificate')) : undefined;
      try {
        const r = withImage(image, undefined, (img) =>
          recoverVscFromImage(img, { vscId: o.vsc.toLowerCase(), version: o.version }, { issuerCertificates: anchors }),
        );
        writeFileSync(o.out, r.content, { mode: 0o600, flag: 'wx' });
        process.stdout.write(
          `VSC ${r.entry.vscId} v${r.entry.version} from volume ${r.volume}: ${r.content.length} bytes, SHA-256 ${r.entry.sha256} -> ${o.out}\n`,
        );
      } catch (e) {
        if (e instanceof ArchiveError) throw new CliError(e.message, 1);
        throw e;
      }
    });

  usageExits(archive.command('volumes'))
    .description('Sealed volumes as recorded in the database (server-side); --check re-hashes each image file')
    .option('--check', 'check each image file is where it was written and still has its recorded SHA-256')
    .option('--json', 'machine-readable output')
    .action(async (o: { check?: boolean; json?: boolean }) => {
      const ctx = await ServerContext.open();
      try {
        const vols = (await new PgArchiveSource(ctx.db).volumes(100_000)).reverse();
        const status = (v: (typeof vols)[number]): string => {
          if (!o.check) return '';
          try {
            return withImage(join(v.directory, v.imageName), undefined, (img) => sha256OfRange(img)) === v.imageSha256 ? 'ok' : 'CHANGED';
          } catch {
            return 'MISSING';
          }
        };
        const rows = vols.map((v) => ({ ...v, file: status(v) }));
        if (o.json) printJson(rows);
        else
          process.stdout.write(
            `${table(
              ['VOLUME', 'SEALED', 'ENTRIES', 'SIZE', 'IMAGE SHA-256', 'AUDIT SEQ', 'IMAGE', ...(o.check ? ['FILE'] : [])],
              rows.map((v) => [
                v.volume,
                v.createdAt,
                v.entries,
                v.imageSize,
                v.imageSha256.slice(0, 16),
                v.audit.seq,
                join(v.directory, v.imageName),
                ...(o.check ? [v.file] : []),
              ]),
            )}\n`,
          );
        if (rows.some((r) => r.file && r.file !== 'ok')) process.exitCode = 1;
      } finally {
        await ctx.close();
      }
    });

  usageExits(archive.command('reconcile'))
    .description('Every issued card has each escrowed version of its VSC in exactly one sealed volume (server-side); exit 1 when not')
    .option(
      '--images <dir>',
      'reconcile against the images in this directory (their manifests, signatures checked) instead of the database records',
    )
    .option('--json', 'machine-readable output')
    .action(async (o: { images?: string; json?: boolean }) => {
      const ctx = await ServerContext.open();
      try {
        const store = new PgArchiveSource(ctx.db);
        const cards = await store.issuedCards();
        const copies = o.images ? copiesFromImages(o.images) : await store.archivedCopies();
        const rep = reconcile(cards, copies);
        if (o.json) printJson(rep);
        else {
          const lines = [
            `${rep.cards} issued cards, ${rep.versions} escrowed VSC versions, ${rep.copies} archived copies in ${rep.volumes.length} volumes${o.images ? ` (images in ${o.images})` : ''}`,
            ...rep.missing.map(
              (m) => `missing:    card ${m.cardId} (serial ${m.serial ?? '-'}): VSC ${m.vscId} v${m.version} is in no volume`,
            ),
            ...rep.duplicated.map(
              (d) =>
                `twice:      card ${d.cardId} (serial ${d.serial ?? '-'}): VSC ${d.vscId} v${d.version} in volumes ${d.volumes.join(', ')}`,
            ),
            ...rep.mismatched.map(
              (d) =>
                `mismatch:   card ${d.cardId} (serial ${d.serial ?? '-'}): VSC ${d.vscId} v${d.version} in volume ${d.volume}: ${d.reason}`,
            ),
            ...rep.withoutVsc.map((d) => `no VSC:     card ${d.cardId} (serial ${d.serial ?? '-'})`),
            ...rep.purged.map((d) => `purged:     card ${d.cardId} (serial ${d.serial ?? '-'}): VSC ${d.vscId} v${d.version}: ${d.note}`),
            rep.ok ? 'OK: every issued card has its VSC in exactly one sealed volume' : 'NOT RECONCILED',
          ];
          process.stdout.write(`${lines.join('\n')}\n`);
        }
        if (!rep.ok) process.exitCode = 1;
      } finally {
        await ctx.close();
      }
    });

  usageExits(archive.command('rebuild <dir>'))
    .description(
      'Disaster recovery: into an empty database, rebuild the escrow (VSC versions byte for byte), cards and cardholders as far as ' +
        'the archive volumes of <dir> hold them, after verifying every volume and the chain; prints what cannot be rebuilt (server-side)',
    )
    .option('--issuer-cert <file>', 'trust anchor the archive signer must chain to')
    .option('--json', 'machine-readable output')
    .action(async (dir: string, o: { issuerCert?: string; json?: boolean }) => {
      const anchors = o.issuerCert ? readCertificates(readInput(o.issuerCert, 'issuer certificate')) : undefined;
      const plan = planRebuild(resolve(dir), { issuerCertificates: anchors });
      const ctx = await ServerContext.open();
      try {
        const before = await escrowCounts(ctx.db);
        if (before.vscs > 0 || before.volumes > 0)
          throw new CliError(
            `the database already holds ${before.vscs} VSCs and ${before.volumes} volumes: a rebuild goes into an empty database (scm db setup on a new one)`,
            1,
          );
        if (plan.volumes.length === 0)
          throw new CliError(`no volume of ${dir} verifies: ${plan.problems.join('; ') || 'no *.iso there'}`, 1);
        const counts = await ctx.tx(async (em, audit) => {
          const c = await writeRebuild(em, plan, new Date());
          audit({
            ...ServerContext.cliActor('archive-rebuild'),
            action: 'archive.rebuilt-from-volumes',
            targetType: 'archive',
            targetId: String(plan.volumes.length),
            outcome: 'success',
            details: {
              ...c,
              lastCheckpoint: plan.lastCheckpoint ? { seq: plan.lastCheckpoint.seq, headHash: plan.lastCheckpoint.headHash } : null,
            },
          });
          return c;
        });
        const missing = notRebuilt(plan);
        if (o.json)
          return printJson({
            volumes: plan.volumes.map((v) => ({ path: v.path, volume: v.record.volume, ok: v.report.ok })),
            rebuilt: counts,
            notRebuilt: missing,
          });
        process.stdout.write(
          [
            ...plan.volumes.map(
              (v) => `ok    volume ${v.record.volume} ${v.path}: ${v.record.entries} VSC files, image SHA-256 ${v.record.imageSha256}`,
            ),
            `rebuilt: ${counts.volumes} volumes, ${counts.versions} VSC versions of ${counts.vscs} VSCs (escrow), ${counts.cards} cards, ` +
              `${counts.cardholders} cardholders, ${counts.signers} archive signer chains`,
            'NOT rebuilt (not in the archive):',
            ...missing.map((m) => `  - ${m}`),
          ].join('\n') + '\n',
        );
        if (plan.problems.length) process.exitCode = 1;
      } finally {
        await ctx.close();
      }
    });
}

/** The VSC versions in the images of a directory, from manifests whose signature verifies. */
function copiesFromImages(dir: string): ArchivedCopy[] {
  const out: ArchivedCopy[] = [];
  let names: string[];
  try {
    names = readdirSync(dir).filter((n) => n.endsWith('.iso'));
  } catch (e) {
    throw new CliError(`cannot read ${dir}: ${(e as NodeJS.ErrnoException).code}`, USAGE);
  }
  for (const n of names.sort()) {
    const parts = withImage(join(dir, n), undefined, (img) => readVolumeParts(img));
    if (!parts.manifest)
      throw new CliError(
        `${n}: the manifest does not read (${parts.manifestError ?? parts.isoError?.message}); run "scm archive verify" on it`,
        1,
      );
    if (!manifestSignatureValid(parts))
      throw new CliError(`${n}: the manifest signature does not verify; run "scm archive verify" on it`, 1);
    for (const e of parts.manifest.entries)
      out.push({ volume: parts.manifest.volume, vscId: e.vscId, version: e.version, sha256: e.sha256, cardSerial: e.cardSerial });
  }
  return out;
}
