/**
 * Archive volumes: sealing 10,000 VSCs into one volume and verifying it, beside xorriso writing
 * the same files alone. `npm run bench archive` (BENCH_VSCS=n for another count, e.g.
 * BENCH_VSCS=100000; generating the sample VSCs takes about 25 ms each on a 2-core machine).
 * Ends with a summary: SCM's figure, the xorriso-alone anchor of the same run, their ratio, and
 * the process's peak RSS after each step.
 *
 *   generate           realistic escrow VSC content files (libs/vsc; a memory key protector
 *                      instead of the HSM: 9A/9C/9E public keys, an escrowed RSA-2048 9D key,
 *                      four certificates, a private data object)
 *   xorriso alone      the files written to a directory, then xorriso building the image from it
 *   seal               sealVolume: escrow hash and header of every file, staging, manifest
 *                      and signature, xorriso, read back, image map, sidecar, verify after write
 *   verify (offline)   verifyVolume of the image and sidecar (what `scm archive verify` runs)
 *   recover one        recoverVscFromImage of one VSC (manifest signature, file hash and format)
 */
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { recoverVscFromImage, sealVolume, verifyVolume, VSC_DIR, vscPath, xorrisoWriter } from '@scm/archive';
import {
  MemoryArchiveSource,
  randomProtector,
  sampleMaterial,
  sampleVsc,
  softwareCheckpoint,
  softwareSigner,
  type SampleVsc,
} from '../libs/archive/src/testing/fixtures';

const N = Number(process.env.BENCH_VSCS ?? 10_000);

type Row = { step: string; ms: number; note?: string; rss?: number };

const MiB = 1048576;
/** Peak resident set size of the process so far, in bytes. */
const peakRss = (): number => process.resourceUsage().maxRSS * 1024;

const since = (t: bigint): number => Number(process.hrtime.bigint() - t) / 1e6;

async function main(): Promise<void> {
  const rows: Row[] = [];
  const work = await mkdtemp(join(tmpdir(), 'scm-bench-archive-'));
  try {
    let t = process.hrtime.bigint();
    const material = await sampleMaterial();
    const protector = randomProtector();
    const vscs: SampleVsc[] = [];
    for (let i = 0; i < N; i++) vscs.push(await sampleVsc(material, protector, String(10_000_000 + i)));
    const bytes = vscs.reduce((n, v) => n + v.content.length, 0);
    rows.push({
      step: `generate ${N} VSCs`,
      ms: since(t),
      note: `${(bytes / N).toFixed(0)} bytes each, ${(bytes / 1048576).toFixed(1)} MiB`,
      rss: peakRss(),
    });

    // xorriso alone: the same files, no manifest, no checks.
    const alone = join(work, 'alone');
    await mkdir(join(alone, 'root', VSC_DIR), { recursive: true });
    t = process.hrtime.bigint();
    for (const v of vscs) await writeFile(join(alone, 'root', vscPath(v.vscId, v.version)), v.content);
    const writeMs = since(t);
    rows.push({ step: 'write the files to a directory', ms: writeMs });
    t = process.hrtime.bigint();
    await xorrisoWriter()(join(alone, 'root'), join(alone, 'alone.iso'), 'SCM_BENCH');
    const xorrisoMs = since(t);
    const aloneSize = (await readFile(join(alone, 'alone.iso'))).length;
    rows.push({ step: 'xorriso alone (image from that directory)', ms: xorrisoMs, note: `${(aloneSize / 1048576).toFixed(1)} MiB image` });
    rows.push({ step: 'files + xorriso alone', ms: writeMs + xorrisoMs });
    await rm(alone, { recursive: true, force: true });

    // The whole seal.
    const source = new MemoryArchiveSource();
    source.add(...vscs);
    let xorrisoInSeal = 0;
    const writer = xorrisoWriter();
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
    rows.push({
      step: `seal (${N} VSCs, one volume)`,
      ms: sealMs,
      note: `xorriso ${xorrisoInSeal.toFixed(0)} ms of it; ${(r.volume.imageSize / 1048576).toFixed(1)} MiB image`,
      rss: sealRss,
    });

    const image = await readFile(r.volume.imagePath);
    const sidecar = await readFile(r.volume.sidecarPath);
    t = process.hrtime.bigint();
    const rep = verifyVolume(image, { sidecar, issuerCertificates: [] });
    const verifyMs = since(t);
    const verifyRss = peakRss();
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
      rss: verifyRss,
    });

    const pick = vscs[Math.floor(N / 2)];
    t = process.hrtime.bigint();
    const got = recoverVscFromImage(image, { vscId: pick.vscId, version: 1 }, { expectedImageSha256: r.volume.imageSha256 });
    rows.push({
      step: 'recover one VSC from the image',
      ms: since(t),
      note: got.content.equals(pick.content) ? 'byte for byte' : 'MISMATCH',
    });

    const baseRss = rows[0].rss;
    const w = Math.max(...rows.map((x) => x.step.length));
    console.log(`${'step'.padEnd(w)}  ${'ms'.padStart(9)}  ${'per VSC'.padStart(9)}  note`);
    for (const x of rows)
      console.log(`${x.step.padEnd(w)}  ${x.ms.toFixed(0).padStart(9)}  ${(x.ms / N).toFixed(3).padStart(9)}  ${x.note ?? ''}`);

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
        `peak RSS is the process's, after the step, with the ${N} generated VSCs (${mib(bytes)}) held; before the seal it was ${mib(baseRss ?? 0)})`,
    );
    const cw = summary[0].map((_, i) => Math.max(...summary.map((r) => r[i].length)));
    for (const r of summary) console.log(r.map((c, i) => (i ? c.padStart(cw[i]) : c.padEnd(cw[i]))).join('  '));
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
