import { chmodSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sealVolume } from '@scm/archive';
import {
  MemoryArchiveSource,
  randomProtector,
  sampleMaterial,
  sampleVsc,
  softwareCheckpoint,
  softwareSigner,
} from '../../libs/archive/src/testing/fixtures';

/** A real sealed volume (xorriso image, sidecar, signer root): the seed of the archive targets. */
export interface SealedFixture {
  image: Buffer;
  sidecar: Buffer;
  root: Buffer;
  vsc: { vscId: string; version: number };
}

let cached: Promise<SealedFixture> | undefined;

export function sealedFixture(): Promise<SealedFixture> {
  cached ??= (async () => {
    const dir = mkdtempSync(join(tmpdir(), 'scm-fuzz-archive-'));
    try {
      const material = await sampleMaterial();
      const protector = randomProtector();
      const signer = await softwareSigner('Fuzz');
      const source = new MemoryArchiveSource();
      for (const serial of ['00000001', '00000002']) source.add(await sampleVsc(material, protector, serial));
      const r = await sealVolume({ source, signer, checkpoint: softwareCheckpoint(), now: () => new Date() }, { outDir: dir });
      if (!r.sealed) throw new Error(`no volume sealed: ${r.message}`);
      const image = readFileSync(r.volume.imagePath);
      const sidecar = readFileSync(r.volume.sidecarPath);
      for (const p of [r.volume.imagePath, r.volume.sidecarPath]) chmodSync(p, 0o644);
      const e = source.volumes[0].entryList[0];
      return { image, sidecar, root: signer.root, vsc: { vscId: e.vscId, version: e.version } };
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  })();
  return cached;
}
