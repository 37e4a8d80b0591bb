/**
 * Archive volumes: sealing N VSCs (10,000 by default) into one volume and verifying it, beside
 * xorriso writing the same files alone. `npm run bench archive` (BENCH_VSCS=n for another count,
 * e.g. BENCH_VSCS=100000). Ends with a summary: SCM's figure, the xorriso-alone anchor of the same
 * run, their ratio, and the process's peak RSS after each step; records summary rows.
 *
 *   generate           BENCH_POOL (500) realistic escrow VSC content files (libs/vsc; a memory key
 *                      protector instead of the HSM: 9A/9C/9E public keys, an escrowed RSA-2048 9D
 *                      key, four certificates, a private data object), then N files as
 *                      copies of them under a new VSC id (the header's unique identifier rewritten;
 *                      what the archive reads of a file — its size, SHA-256 and header — is that of
 *                      a real one; their GCM tags do not match the new id, which only the online
 *                      check would see). Sealing a real VSC takes 25–65 ms here (OpenSSL parsing
 *                      every object), which would make 100,000 take over an hour.
 *                      Files go to disk a thousand at a time: nothing holds all N in memory;
 *                      the escrow's record of them is their SHA-256s, 32 bytes a file, and it
 *                      gives them to the seal in path order (the ids are made so) 500 at a time.
 *   xorriso alone      the files written to a directory, then xorriso building the image from it
 *   seal               sealVolume: escrow hash and header of every file (read back from that
 *                      directory, 500 at a time), staging, manifest and signature, xorriso, the
 *                      image read back by position, image map, sidecar, verify after write
 *   verify (offline)   verifyVolume of the image file and sidecar (what `scm archive verify` runs)
 *   recover one        recoverVscFromImage of one VSC (manifest signature, file hash and format)
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  FileImageSource,
  recoverVscFromImage,
  removeTree,
  sealVolume,
  verifyVolume,
  VSC_DIR,
  vscPath,
  xorrisoWriter,
  type ArchiveSource,
  type ManifestEntry,
  type PendingVersion,
  type VolumeRecord,
} from '@scm/archive';
import { PREAMBLE_LENGTH } from '@scm/vsc';
import {
  randomProtector,
  sampleMaterial,
  sampleVsc,
  softwareCheckpoint,
  softwareSigner,
  type SampleVsc,
} from '../libs/archive/src/testing/fixtures';
import { runBench, summaryRow } from './_support';

const N = Number(process.env.BENCH_VSCS ?? 10_000);
const POOL = Math.min(N, Number(process.env.BENCH_POOL ?? 500));
const CHUNK = 1000;

type Row = { step: string; ms: number; note?: string; rss?: number };

const MiB = 1048576;
/** Peak resident set size of the process so far, in bytes. */
const peakRss = (): number => process.resourceUsage().maxRSS * 1024;
/** Resident set size now, in bytes. */
const rssNow = (): number => process.memoryUsage.rss();

/** Writes back everything the kernel holds dirty (sync(1)), outside the timed steps. */
const flush = (): void => void execFileSync('sync');

const since = (t: bigint): number => Number(process.hrtime.bigint() - t) / 1e6;

/**
 * The VSC id of the i-th file: its first byte spreads the files over the 256 directories of a
 * volume, the next three count within that directory, the rest is a hash. So the escrow can be
 * given in path order (directory, then count) without sorting or holding the list.
 */
function idOf(i: number): string {
  const id = createHash('sha256').update(`bench vsc ${i}`).digest().subarray(0, 16);
  const j = Math.floor(i / 256);
  id[0] = i % 256;
  id[1] = (j >> 16) & 0xff;
  id[2] = (j >> 8) & 0xff;
  id[3] = j & 0xff;
  id[6] = (id[6] & 0x0f) | 0x40;
  id[8] = (id[8] & 0x3f) | 0x80;
  const hex = id.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** A copy of a sealed VSC content file under the i-th id: the 16 id bytes of its header rewritten. */
function withNewId(v: SampleVsc, i: number): SampleVsc {
  const oldId = Buffer.from(v.vscId.replace(/-/g, ''), 'hex');
  const vscId = idOf(i);
  const content = Buffer.from(v.content);
  const at = content.indexOf(oldId, PREAMBLE_LENGTH);
  if (at < 0) throw new Error('the VSC id is not in the header');
  Buffer.from(vscId.replace(/-/g, ''), 'hex').copy(content, at);
  return { vscId, version: 1, serial: String(10_000_000 + i), content, sha256: createHash('sha256').update(content).digest() };
}

/**
 * The escrow of the bench: the files in a directory, and what the escrow records of each (its
 * SHA-256, 32 bytes a file), given in path order 500 at a time and read back as the seal asks.
 */
class DirectoryArchiveSource implements ArchiveSource {
  /** Volumes recorded, and how many entries each was given. */
  readonly volumes: Array<{ record: VolumeRecord; recorded: number }> = [];
  constructor(
    private readonly dir: string,
    private readonly n: number,
    private readonly shas: Buffer,
  ) {}
  async lock(): Promise<void> {}
  async lastVolume(): Promise<{ volume: number; imageSha256: string } | null> {
    return null;
  }
  async *pendingVersions(batch: number): AsyncGenerator<PendingVersion[]> {
    let out: PendingVersion[] = [];
    for (let d = 0; d < 256; d++)
      for (let i = d; i < this.n; i += 256) {
        out.push({ vscId: idOf(i), version: 1, cardSerial: String(10_000_000 + i), sha256: this.shas.subarray(i * 32, i * 32 + 32) });
        if (out.length === batch) {
          yield out;
          out = [];
        }
      }
    if (out.length) yield out;
  }
  /** Time spent reading the escrow (ms). */
  readMs = 0;
  async contents(versions: readonly PendingVersion[]): Promise<Buffer[]> {
    const t = process.hrtime.bigint();
    const out = await Promise.all(versions.map((p) => readFile(join(this.dir, vscPath(p.vscId, p.version)))));
    this.readMs += since(t);
    return out;
  }
  async recordVolume(
    v: VolumeRecord,
    entries: AsyncIterable<readonly ManifestEntry[]> | Iterable<readonly ManifestEntry[]>,
  ): Promise<void> {
    let recorded = 0;
    for await (const batch of entries) recorded += batch.length;
    this.volumes.push({ record: v, recorded });
  }
}

async function main(): Promise<void> {
  const rows: Row[] = [];
  const work = await mkdtemp(join(tmpdir(), 'scm-bench-archive-'));
  try {
    const alone = join(work, 'alone');
    // The volume's layout: the VSC files spread over vsc/<first two characters of the id>/ (as the seal stages them).
    await mkdir(join(alone, 'root', VSC_DIR), { recursive: true });
    for (let i = 0; i < 256; i++) await mkdir(join(alone, 'root', VSC_DIR, i.toString(16).padStart(2, '0')), { recursive: true });

    // Generate a pool of real VSCs, then the rest as copies under new ids, a thousand at a time;
    // each chunk is written to the directory (timed: the anchor's "files written") and dropped.
    let t = process.hrtime.bigint();
    const material = await sampleMaterial();
    const protector = randomProtector();
    const pool: SampleVsc[] = [];
    for (let i = 0; i < POOL; i++) pool.push(await sampleVsc(material, protector, String(10_000_000 + i)));
    const poolMs = since(t);
    // What the escrow records of each file: its SHA-256 (32 bytes a file).
    const shas = Buffer.alloc(N * 32);
    let writeMs = 0;
    let bytes = 0;
    let pick: SampleVsc | undefined;
    t = process.hrtime.bigint();
    for (let i = 0; i < N; i += CHUNK) {
      const chunk: SampleVsc[] = [];
      for (let j = i; j < Math.min(N, i + CHUNK); j++) chunk.push(withNewId(pool[j % POOL], j));
      const w = process.hrtime.bigint();
      for (const v of chunk) await writeFile(join(alone, 'root', vscPath(v.vscId, v.version)), v.content);
      writeMs += since(w);
      for (let j = 0; j < chunk.length; j++) {
        bytes += chunk[j].content.length;
        chunk[j].sha256.copy(shas, (i + j) * 32);
      }
      if (!pick && i + CHUNK > N / 2) pick = chunk[Math.floor(N / 2) - i];
    }
    pool.length = 0;
    rows.push({
      step: `generate ${N} VSCs (${POOL} sealed, each file a copy of one under its own id)`,
      ms: poolMs + since(t) - writeMs,
      note: `${(bytes / N).toFixed(0)} bytes each, ${(bytes / MiB).toFixed(1)} MiB`,
      rss: peakRss(),
    });

    // xorriso alone: the same files, no manifest, no checks.
    rows.push({ step: 'write the files to a directory', ms: writeMs });
    // Each timed step starts with nothing left for the kernel to write back from the one before
    // (the files, then the image: hundreds of MB that would otherwise be flushed during the next).
    flush();
    t = process.hrtime.bigint();
    await xorrisoWriter()(join(alone, 'root'), join(alone, 'alone.iso'), 'SCM_BENCH');
    const xorrisoMs = since(t);
    const aloneSize = (await stat(join(alone, 'alone.iso'))).size;
    rows.push({ step: 'xorriso alone (image from that directory)', ms: xorrisoMs, note: `${(aloneSize / MiB).toFixed(1)} MiB image` });
    rows.push({ step: 'files + xorriso alone', ms: writeMs + xorrisoMs });
    await rm(join(alone, 'alone.iso'), { force: true });

    // The whole seal, from the files of that directory as the escrow.
    const source = new DirectoryArchiveSource(join(alone, 'root'), N, shas);
    let xorrisoInSeal = 0;
    const writer = xorrisoWriter();
    flush();
    const rssBeforeSeal = rssNow();
    t = process.hrtime.bigint();
    const r = await sealVolume(
      {
        source,
        signer: await softwareSigner('Bench'),
        checkpoint: softwareCheckpoint(),
        now: () => new Date(),
        writer: async (root, out, id) => {
          const s = process.hrtime.bigint();
          await writer(root, out, id);
          xorrisoInSeal = since(s);
        },
      },
      { outDir: join(work, 'sealed') },
    );
    const sealMs = since(t);
    const sealRss = peakRss();
    if (!r.sealed) throw new Error(r.message);
    if (source.volumes[0]?.recorded !== N) throw new Error(`the seal recorded ${source.volumes[0]?.recorded} of ${N} VSC versions`);
    rows.push({
      step: `seal (${N} VSCs, one volume)`,
      ms: sealMs,
      note: `of it: reading the escrow files ${source.readMs.toFixed(0)} ms, xorriso ${xorrisoInSeal.toFixed(0)} ms; ${(r.volume.imageSize / MiB).toFixed(1)} MiB image`,
      rss: sealRss,
    });
    await removeTree(alone);

    // Offline verify of the image file (read by position) and its sidecar.
    const sidecar = await readFile(r.volume.sidecarPath);
    const image = FileImageSource.open(r.volume.imagePath);
    let verifyMs: number;
    try {
      t = process.hrtime.bigint();
      const rep = verifyVolume(image, { sidecar, issuerCertificates: [] });
      verifyMs = since(t);
      if (!rep.ok)
        throw new Error(
          `verification failed: ${rep.findings
            .filter((f) => !f.ok)
            .map((f) => f.message)
            .join('; ')}`,
        );
      rows.push({
        step: 'verify (offline, every file)',
        ms: verifyMs,
        note: `${((verifyMs * 1000) / N).toFixed(0)} µs per VSC`,
        rss: peakRss(),
      });

      t = process.hrtime.bigint();
      const got = recoverVscFromImage(image, { vscId: pick!.vscId, version: 1 }, { expectedImageSha256: r.volume.imageSha256 });
      rows.push({
        step: 'recover one VSC from the image',
        ms: since(t),
        note: got.content.equals(pick!.content) ? 'byte for byte' : 'MISMATCH',
      });
    } finally {
      image.close();
    }
    const verifyRss = peakRss();

    const w = Math.max(...rows.map((x) => x.step.length));
    console.log(`${'step'.padEnd(w)}  ${'ms'.padStart(9)}  ${'per VSC'.padStart(9)}  ${'peak RSS'.padStart(9)}  note`);
    for (const x of rows)
      console.log(
        `${x.step.padEnd(w)}  ${x.ms.toFixed(0).padStart(9)}  ${(x.ms / N).toFixed(3).padStart(9)}  ${(x.rss ? `${(x.rss / MiB).toFixed(0)} MiB` : '').padStart(9)}  ${x.note ?? ''}`,
      );

    // The summary: SCM's figure beside the anchor of the same run (the machine is shared, so
    // absolute times move; the ratio is what the targets are set on).
    const anchor = writeMs + xorrisoMs;
    const mib = (b: number): string => `${(b / MiB).toFixed(0)} MiB`;
    const summary: string[][] = [
      ['what', 'SCM ms', 'xorriso alone ms', 'ratio', 'ratio to xorriso only', 'peak RSS'],
      [
        `seal, ${N} VSCs`,
        sealMs.toFixed(0),
        anchor.toFixed(0),
        `${(sealMs / anchor).toFixed(2)}×`,
        `${(sealMs / xorrisoMs).toFixed(2)}×`,
        mib(sealRss),
      ],
      [
        `verify offline, ${N} VSCs`,
        verifyMs.toFixed(0),
        anchor.toFixed(0),
        `${(verifyMs / anchor).toFixed(2)}×`,
        `${(verifyMs / xorrisoMs).toFixed(2)}×`,
        mib(verifyRss),
      ],
    ];
    console.log(
      `\n(xorriso alone = the files written to a directory + xorriso building the image: ${writeMs.toFixed(0)} + ${xorrisoMs.toFixed(0)} ms; ` +
        `peak RSS is the process's highest so far, after the step; RSS just before the seal ${mib(rssBeforeSeal)})`,
    );
    const cw = summary[0].map((_, i) => Math.max(...summary.map((x) => x[i].length)));
    for (const x of summary) console.log(x.map((c, i) => (i ? c.padStart(cw[i]) : c.padEnd(cw[i]))).join('  '));

    const count = N.toLocaleString('en-US');
    summaryRow({
      what: `Archive seal, ${count} VSCs (peak RSS ${mib(sealRss)})`,
      scm: Math.round(sealMs),
      unit: 'ms',
      anchor: { name: 'xorriso alone (files written + image)', value: Math.round(anchor) },
      target: '≤ 2× anchor, memory bounded',
      higherIsBetter: false,
    });
    summaryRow({
      what: `Archive verify offline, ${count} VSCs (peak RSS ${mib(verifyRss)})`,
      scm: Math.round(verifyMs),
      unit: 'ms',
      target: N <= 10_000 ? '≤ 2,000 ms at 10,000 VSCs' : `≤ ${((2000 * N) / 10_000).toLocaleString('en-US')} ms (2 s per 10,000 VSCs)`,
      higherIsBetter: false,
    });
  } finally {
    await removeTree(work);
  }
}

runBench(main);
