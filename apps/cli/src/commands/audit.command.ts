import type { Command } from 'commander';
import { createWriteStream, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  BUNDLE_FILES,
  type BundleManifest,
  ChainVerifier,
  chainHead,
  checkpointToJson,
  readChain,
  readCheckpoints,
  sha256Hex,
  signCheckpoint,
  verifyBundle,
  verifyStoredChain,
} from '@scm/audit';
import { manifestSignatureValid, readVolumeParts } from '@scm/archive';
import type { Checkpoint } from '@scm/audit';
import { CliError } from '../output';
import { printJson } from '../output';
import { ServerContext } from '../server-context';
import { serverOperation } from '../server-operation';

const CHECKPOINT_KEY = { label: 'scm-audit-checkpoint', version: 1 };

export function registerAudit(program: Command): void {
  const audit = program.command('audit').description('The tamper-evident audit chain');
  audit
    .command('checkpoint')
    .description(
      'On the SCM host: sign a checkpoint of the chain head with the HSM checkpoint key now (scripts/setup does, so a fresh install verifies at once)',
    )
    .option('--quiet', 'print nothing when the latest checkpoint already covers the head')
    .option('--json', 'machine-readable output')
    .action(async (o: { quiet?: boolean; json?: boolean }) => {
      const r = await serverOperation<{ seq: number; headHash: string; signedAt: string } | { unchanged: true }>(
        'sign-audit-checkpoint',
        {},
      );
      if (o.json) return printJson(r);
      if ('unchanged' in r) {
        if (!o.quiet) process.stdout.write('the latest signed checkpoint already covers the chain head\n');
        return;
      }
      process.stdout.write(`audit checkpoint signed at event ${r.seq} (${r.headHash.slice(0, 16)}…)\n`);
    });
  audit
    .command('verify')
    .description(
      'Walk the chain against its signed checkpoints and name the first broken link: online (database + HSM key) or, with --bundle, offline from an export',
    )
    .option('--bundle <dir>', 'verify an exported bundle without the database')
    .option('--trusted-key <file>', 'with --bundle: the checkpoint public key (SPKI DER) you obtained out of band')
    .option('--volume <image...>', 'with --bundle: archive volumes whose recorded chain head must match the bundle')
    .option('--json', 'machine-readable output')
    .action(async (o: { bundle?: string; trustedKey?: string; volume?: string[]; json?: boolean }) => {
      if (o.volume && !o.bundle) throw new CliError('--volume goes with --bundle');
      if (o.bundle) return verifyBundleDir(o.bundle, o.trustedKey, o.volume ?? [], o.json);
      const ctx = await ServerContext.open();
      try {
        const key = await ctx.hsm().getSigningKey(CHECKPOINT_KEY, 'P-256');
        const rep = await verifyStoredChain(ctx.db, [key.spki], { databaseUrl: (ctx.db.options as { url?: string }).url });
        if (o.json) printJson(rep);
        else process.stdout.write(`${describe(rep).join('\n')}\n`);
        if (!rep.ok) process.exitCode = 1;
      } finally {
        await ctx.close();
      }
    });
  audit
    .command('export')
    .description("Write the auditor's offline bundle: every event, the signed checkpoints, the checkpoint key and a manifest of hashes")
    .requiredOption('--out <dir>', 'directory to write (must be empty or new)')
    .option('--no-checkpoint', 'do not sign a fresh checkpoint of the head first')
    .action(async (o: { out: string; checkpoint: boolean }) => {
      mkdirSync(o.out, { recursive: true });
      if (readdirSync(o.out).length) throw new CliError(`${o.out} is not empty`);
      const ctx = await ServerContext.open();
      try {
        const key = await ctx.hsm().getSigningKey(CHECKPOINT_KEY, 'P-256');
        // Everything committed so far goes into the chain first, so the bundle ends at today's head.
        await ctx.sequencer.settle();
        if (o.checkpoint) await signCheckpoint(ctx.db, signerOf(key), new Date());
        const head = await chainHead(ctx.db);
        const out = createWriteStream(join(o.out, BUNDLE_FILES.events), { mode: 0o644 });
        const hash = (await import('node:crypto')).createHash('sha256');
        let events = 0;
        for await (const r of readChain(ctx.db)) {
          if (r.seq > head.seq) break;
          const line = `${JSON.stringify(r)}\n`;
          hash.update(line);
          if (!out.write(line)) await new Promise<void>((res) => out.once('drain', () => res()));
          events++;
        }
        await new Promise<void>((res, rej) => out.end((e?: Error | null) => (e ? rej(e) : res())));
        const cps = (await readCheckpoints(ctx.db)).filter((c) => c.seq <= head.seq);
        const cpText = JSON.stringify(cps.map(checkpointToJson), null, 1);
        writeFileSync(join(o.out, BUNDLE_FILES.checkpoints), cpText);
        writeFileSync(join(o.out, BUNDLE_FILES.key), key.spki);
        const manifest: BundleManifest = {
          format: 'scm-audit-bundle-v1',
          exportedAt: new Date().toISOString(),
          head,
          events,
          checkpoints: cps.length,
          keyFingerprint: sha256Hex(key.spki),
          files: {
            [BUNDLE_FILES.events]: hash.digest('hex'),
            [BUNDLE_FILES.checkpoints]: sha256Hex(cpText),
            [BUNDLE_FILES.key]: sha256Hex(key.spki),
          },
        };
        writeFileSync(join(o.out, BUNDLE_FILES.manifest), `${JSON.stringify(manifest, null, 2)}\n`);
        process.stdout.write(
          `exported ${events} events (head ${head.seq}) and ${cps.length} checkpoints to ${o.out}\ncheckpoint key fingerprint (SHA-256 of its SPKI): ${manifest.keyFingerprint}\n`,
        );
      } finally {
        await ctx.close();
      }
    });
}

type VerifyOutcome = ReturnType<ChainVerifier['finish']>;

function describe(rep: VerifyOutcome & { fileProblems?: string[]; keyFingerprint?: string }): string[] {
  return [
    `events:      ${rep.events} (head ${rep.head.seq}, ${rep.head.hash.slice(0, 16)}…)`,
    `checkpoints: ${rep.checkpointsChecked} verified${rep.latestCheckpoint ? `, latest at ${rep.latestCheckpoint.seq} signed ${rep.latestCheckpoint.signedAt}` : ''}`,
    ...(rep.keyFingerprint ? [`key:         ${rep.keyFingerprint} (SHA-256 of the checkpoint key)`] : []),
    ...(rep.fileProblems ?? []).map((p) => `problem:     ${p}`),
    ...rep.problems.map((p) => `problem:     ${p}`),
    rep.broken
      ? `BROKEN at ${rep.broken.seq}: ${rep.broken.reason}`
      : rep.ok
        ? 'OK: the chain verifies end to end against its latest signed checkpoint'
        : 'NOT VERIFIED',
  ];
}

/** The audit checkpoint an archive volume carries, if its manifest signature holds. */
function volumeCheckpoint(file: string): { checkpoint?: Checkpoint; problem?: string; volume?: number } {
  let image: Buffer;
  try {
    image = readFileSync(file);
  } catch (e) {
    throw new CliError(`cannot read ${file}: ${(e as Error).message}`);
  }
  const parts = readVolumeParts(image);
  const m = parts.manifest;
  if (!m) return { problem: `${file}: ${parts.isoError?.message ?? parts.manifestError ?? 'no manifest'}` };
  if (!manifestSignatureValid(parts))
    return { volume: m.volume, problem: `${file}: the manifest signature does not verify (bin/scm archive verify says more)` };
  return {
    volume: m.volume,
    checkpoint: {
      seq: m.audit.seq,
      headHash: m.audit.headHash,
      signedAt: m.audit.signedAt,
      keyLabel: m.audit.keyLabel,
      algorithm: m.audit.algorithm,
      publicKey: new Uint8Array(Buffer.from(m.audit.publicKey, 'base64')),
      signature: new Uint8Array(Buffer.from(m.audit.signature, 'hex')),
    },
  };
}

function verifyBundleDir(dir: string, trustedKeyFile: string | undefined, volumes: string[], json?: boolean): void {
  const read = (name: string) => {
    try {
      return readFileSync(join(dir, name));
    } catch {
      throw new CliError(`${join(dir, name)} is missing: not an audit bundle`);
    }
  };
  const trusted = trustedKeyFile ? readFileSync(trustedKeyFile) : undefined;
  const vols = volumes.map((v) => ({ file: v, ...volumeCheckpoint(v) }));
  let rep;
  try {
    rep = verifyBundle(
      {
        manifest: read(BUNDLE_FILES.manifest).toString('utf8'),
        events: read(BUNDLE_FILES.events).toString('utf8'),
        checkpoints: read(BUNDLE_FILES.checkpoints).toString('utf8'),
        key: read(BUNDLE_FILES.key),
      },
      trusted,
      vols.flatMap((v) => (v.checkpoint ? [v.checkpoint] : [])),
    );
  } catch (e) {
    throw new CliError(`the bundle cannot be read: ${(e as Error).message}`);
  }
  for (const v of vols) {
    if (v.problem) {
      rep.fileProblems.push(v.problem);
      rep.ok = false;
    } else {
      const c = v.checkpoint!;
      const covered = c.seq <= rep.head.seq;
      const matches = covered && rep.broken === null;
      rep.fileProblems.push(
        ...(covered
          ? []
          : [`volume ${v.volume} anchors event ${c.seq}, beyond the bundle's last event ${rep.head.seq}: export a newer bundle`]),
      );
      if (!covered) rep.ok = false;
      if (!json)
        process.stdout.write(
          `volume ${v.volume}: anchors event ${c.seq} (${c.headHash.slice(0, 16)}…) — ${matches ? 'matches the bundle' : 'see below'}\n`,
        );
    }
  }
  if (json) printJson(rep);
  else {
    process.stdout.write(`${describe(rep).join('\n')}\n`);
    if (!trusted)
      process.stdout.write(
        'note: compare the key fingerprint above with the HSM key (bin/scm hsm keys on the server) or pass --trusted-key\n',
      );
  }
  if (!rep.ok) process.exitCode = 1;
}

function signerOf(key: { spki: Buffer; sign(d: Uint8Array, o: { dsaEncoding: 'ieee-p1363' }): Promise<Buffer> }) {
  return {
    keyLabel: `${CHECKPOINT_KEY.label}/${CHECKPOINT_KEY.version}`,
    algorithm: 'ECDSA-SHA256' as const,
    publicKey: async () => new Uint8Array(key.spki),
    sign: async (d: Uint8Array) => new Uint8Array(await key.sign(d, { dsaEncoding: 'ieee-p1363' })),
  };
}
