import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { parseVscFile } from '@scm/vsc';
import { ArchiveErrorCode } from '../archive-errors';
import {
  MemoryArchiveSource,
  randomProtector,
  sampleMaterial,
  sampleVsc,
  softwareCheckpoint,
  softwareSigner,
  type SampleMaterial,
} from '../testing/fixtures';
import { vscPath } from '../volume/layout';
import { listVolume, recoverVscFromImage } from '../volume/recover-from-image';
import { verifyVolume } from '../volume/verify-volume';
import { sealVolume, type SealDeps, type SealResult } from './seal-volume';
import type { PendingVersion } from './archive-ports';

describe('sealVolume (memory source, software signer, xorriso)', () => {
  let dir: string;
  let material: SampleMaterial;
  const protector = randomProtector();
  let deps: SealDeps & { source: MemoryArchiveSource };
  let root: Buffer;
  let serial = 1000;
  const more = async (n: number) => {
    for (let i = 0; i < n; i++) deps.source.add(await sampleVsc(material, protector, String(serial++).padStart(8, '0')));
  };
  const sealed = (r: SealResult) => {
    if (!r.sealed) throw new Error(r.message);
    return r.volume;
  };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'scm-archive-spec-'));
    material = await sampleMaterial();
    const signer = await softwareSigner();
    root = signer.root;
    deps = { source: new MemoryArchiveSource(), signer, checkpoint: softwareCheckpoint(), now: () => new Date() };
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('says so and writes nothing when there is nothing to seal', async () => {
    const r = await sealVolume(deps, { outDir: dir });
    expect(r).toMatchObject({ sealed: false, reason: 'nothing-new', lastVolume: null });
    expect(readdirSync(dir)).toEqual([]);
  });

  it('seals a volume that verifies offline, read-only, chained to nothing', async () => {
    await more(3);
    const v = sealed(await sealVolume(deps, { outDir: dir }));
    expect(v.volume).toBe(1);
    expect(v.previous).toBeNull();
    expect(v.entries).toBe(3);
    expect(deps.source.volumes[0].entryList.map((e) => e.cardSerial).sort()).toEqual(['00001000', '00001001', '00001002']);
    expect(statSync(v.imagePath).mode & 0o777).toBe(0o444);
    expect(statSync(v.sidecarPath).mode & 0o777).toBe(0o444);
    const image = readFileSync(v.imagePath);
    const rep = verifyVolume(image, { sidecar: readFileSync(v.sidecarPath), issuerCertificates: [root] });
    expect(rep.findings.filter((f) => !f.ok)).toEqual([]);
    expect(rep).toMatchObject({ ok: true, volume: 1, entries: 3, changed: [], signer: { trust: 'chain' }, checkpoint: { seq: 42 } });
    // No staging left behind.
    expect(readdirSync(dir).sort()).toEqual([v.imageName, v.sidecarName].sort());
  });

  it('makes no second volume when sealing again with nothing new', async () => {
    const before = readdirSync(dir).sort();
    const r = await sealVolume(deps, { outDir: dir });
    expect(r).toMatchObject({ sealed: false, lastVolume: 1 });
    expect(readdirSync(dir).sort()).toEqual(before);
    expect(deps.source.volumes).toHaveLength(1);
  });

  it('appends a new volume that names the previous image; each VSC is in exactly one volume', async () => {
    await more(2);
    const v1 = deps.source.volumes[0];
    const v = sealed(await sealVolume(deps, { outDir: dir }));
    expect(v.volume).toBe(2);
    expect(v.previous).toEqual({ volume: 1, imageSha256: v1.imageSha256 });
    const ids = deps.source.volumes.flatMap((x) => x.entryList.map((e) => e.vscId));
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).toHaveLength(5);
    const img2 = readFileSync(v.imagePath);
    const img1 = readFileSync(join(dir, v1.imageName));
    const ok = verifyVolume(img2, { sidecar: readFileSync(v.sidecarPath), previous: img1 });
    expect(ok.ok).toBe(true);
    expect(ok.findings.find((f) => f.check === 'previous volume')?.ok).toBe(true);
  });

  it('detects a volume missing from the chain', async () => {
    await more(1);
    const v3 = sealed(await sealVolume(deps, { outDir: dir }));
    const img1 = readFileSync(join(dir, deps.source.volumes[0].imageName));
    const rep = verifyVolume(readFileSync(v3.imagePath), { sidecar: readFileSync(v3.sidecarPath), previous: img1 });
    expect(rep.ok).toBe(false);
    expect(rep.findings.find((f) => f.check === 'previous volume')).toMatchObject({
      ok: false,
      message: expect.stringContaining('volume 2 is missing from the chain'),
    });
  });

  it('reads a VSC back from an image and lists the volume', async () => {
    const v1 = deps.source.volumes[0];
    const image = readFileSync(join(dir, v1.imageName));
    const want = deps.source.escrow.find((e) => e.vscId === v1.entryList[1].vscId)!;
    const got = recoverVscFromImage(
      image,
      { vscId: want.vscId, version: 1 },
      { expectedImageSha256: v1.imageSha256, issuerCertificates: [root] },
    );
    expect(got.content.equals(want.content)).toBe(true);
    expect(got.volume).toBe(1);
    expect(() => recoverVscFromImage(image, { vscId: deps.source.escrow[4].vscId, version: 1 })).toThrow(
      expect.objectContaining({ code: ArchiveErrorCode.NotFound }),
    );
    const bad = Buffer.from(image);
    bad[bad.length - 5] ^= 1;
    expect(() => recoverVscFromImage(bad, { vscId: want.vscId, version: 1 }, { expectedImageSha256: v1.imageSha256 })).toThrow(
      expect.objectContaining({ code: ArchiveErrorCode.ImageInvalid }),
    );
    const l = listVolume(image);
    expect(l.signatureValid).toBe(true);
    expect(l.manifest.entries).toHaveLength(3);
    expect(l.files.map((f) => f.path)).toEqual(
      expect.arrayContaining(['MANIFEST.JSON', 'MANIFEST.SIG', 'CERTS.PEM', ...l.manifest.entries.map((e) => e.path)]),
    );
  });

  it('moves aside the files of an attempt that never committed, and refuses an escrow copy that changed', async () => {
    await more(1);
    const stale = join(dir, 'scm-archive-000004.iso');
    writeFileSync(stale, 'left by a failed attempt');
    const v4 = sealed(await sealVolume(deps, { outDir: dir }));
    expect(v4.movedAside).toHaveLength(1);
    expect(readFileSync(v4.movedAside[0], 'utf8')).toBe('left by a failed attempt');
    expect(verifyVolume(readFileSync(v4.imagePath), { sidecar: readFileSync(v4.sidecarPath) }).ok).toBe(true);

    await more(1);
    const victim = deps.source.escrow[deps.source.escrow.length - 1];
    victim.content = Buffer.from(victim.content);
    victim.content[100] ^= 1;
    const files = readdirSync(dir).sort();
    await expect(sealVolume(deps, { outDir: dir })).rejects.toMatchObject({ code: ArchiveErrorCode.EscrowMismatch });
    expect(readdirSync(dir).sort()).toEqual(files);
    expect(deps.source.volumes).toHaveLength(4);
  });

  it('refuses an escrow that gives its versions out of path order, and leaves nothing behind', async () => {
    class Reversed extends MemoryArchiveSource {
      override async *pendingVersions(batch: number): AsyncGenerator<PendingVersion[]> {
        const all: PendingVersion[] = [];
        for await (const b of super.pendingVersions(batch)) all.push(...b);
        yield all.reverse();
      }
    }
    const source = new Reversed();
    for (let i = 0; i < 2; i++) source.add(await sampleVsc(material, protector, `9900000${i}`));
    const out = mkdtempSync(join(dir, 'reversed-'));
    await expect(sealVolume({ ...deps, source }, { outDir: out })).rejects.toMatchObject({
      code: ArchiveErrorCode.EscrowMismatch,
      message: expect.stringMatching(/cannot go into the manifest.*not sorted by path/),
    });
    expect(readdirSync(out)).toEqual([]);
    expect(source.volumes).toHaveLength(0);
  });

  it('checks the structure of each VSC once, where it was sealed: a volume checks hashes and headers, the full check on request', async () => {
    // An escrowed version whose bytes and recorded hash agree, but with a certificate that is not
    // DER: only the VSC sealer's structural check (libs/vsc) or the full check catches it.
    const source = new MemoryArchiveSource();
    const odd = await sampleVsc(material, protector, 'ODD00001');
    const der = parseVscFile(odd.content).content.objects.find((o) => o.kind === 'certificate')!;
    const at = odd.content.indexOf(Buffer.from((der as { der: Uint8Array }).der));
    expect(at).toBeGreaterThan(0);
    odd.content = Buffer.from(odd.content);
    odd.content[at] = 0x31; // the certificate's SEQUENCE tag
    odd.sha256 = createHash('sha256').update(odd.content).digest();
    source.add(odd, await sampleVsc(material, protector, 'ODD00002'));
    const own = { ...deps, source };
    const odir = mkdtempSync(join(tmpdir(), 'scm-archive-spec-odd-'));
    try {
      const v = sealed(await sealVolume(own, { outDir: odir }));
      const image = readFileSync(v.imagePath);
      const sidecar = readFileSync(v.sidecarPath);
      const quick = verifyVolume(image, { sidecar });
      expect(quick.findings.filter((f) => !f.ok)).toEqual([]);
      expect(quick.findings.find((f) => f.check === 'vsc files')?.message).toContain('2 of 2 VSC files have the hash, size and format');
      const full = verifyVolume(image, { sidecar, fullFormatCheck: true });
      expect(full.ok).toBe(false);
      expect(full.changed).toEqual([expect.objectContaining({ kind: 'file', name: vscPath(odd.vscId, 1) })]);

      // The header is checked either way: a version that names another VSC is refused when sealing.
      const liar = await sampleVsc(material, protector, 'ODD00003');
      const other = await sampleVsc(material, protector, 'ODD00004');
      source.add({ ...liar, content: other.content, sha256: other.sha256 });
      await expect(sealVolume(own, { outDir: odir })).rejects.toMatchObject({
        code: ArchiveErrorCode.EscrowMismatch,
        message: expect.stringContaining(`names itself ${other.vscId}`),
      });
    } finally {
      rmSync(odir, { recursive: true, force: true });
    }
  });
});
