import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MemoryArchiveSource, randomProtector, sampleMaterial, sampleVsc, softwareCheckpoint, softwareSigner } from '../testing/fixtures';
import { sealVolume } from '../seal/seal-volume';
import { recoverVscFromImage } from '../volume/recover-from-image';
import { verifyVolume } from '../volume/verify-volume';
import { BufferImageSource, FileImageSource, PagedImage, rangeIsZero, sha256OfRange } from './image-source';
import { readIso } from './iso9660-reader';

describe('image sources: a volume read by position is read as from memory', () => {
  let dir: string;
  let imagePath: string;
  let image: Buffer;
  let sidecar: Buffer;
  let root: Buffer;
  let imageSha256: string;
  let firstVsc: { vscId: string; content: Buffer };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'scm-image-source-'));
    const material = await sampleMaterial();
    const protector = randomProtector();
    const source = new MemoryArchiveSource();
    for (let i = 0; i < 4; i++) source.add(await sampleVsc(material, protector, `0000200${i}`));
    firstVsc = source.escrow[0];
    const signer = await softwareSigner();
    root = signer.root;
    const r = await sealVolume({ source, signer, checkpoint: softwareCheckpoint(), now: () => new Date() }, { outDir: dir });
    if (!r.sealed) throw new Error(r.message);
    imagePath = r.volume.imagePath;
    imageSha256 = r.volume.imageSha256;
    image = readFileSync(imagePath);
    sidecar = readFileSync(r.volume.sidecarPath);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('reads the same bytes, ISO structure and hash from a file as from a buffer', () => {
    const file = FileImageSource.open(imagePath);
    try {
      expect(file.size).toBe(image.length);
      expect(file.read(32768, 4096).equals(image.subarray(32768, 32768 + 4096))).toBe(true);
      expect(sha256OfRange(file)).toBe(imageSha256);
      expect(sha256OfRange(file, 2048, 70_000)).toBe(sha256OfRange(new BufferImageSource(image), 2048, 70_000));
      expect(readIso(file)).toEqual(readIso(image));
      expect(rangeIsZero(file, 0, 16 * 2048)).toBe(rangeIsZero(new BufferImageSource(image), 0, 16 * 2048));
      expect(() => file.read(image.length - 10, 11)).toThrow(RangeError);
    } finally {
      file.close();
    }
  });

  it('reads across page boundaries of the paged reader', () => {
    const file = FileImageSource.open(imagePath);
    try {
      const paged = new PagedImage(file);
      expect(paged.slice(65536 - 5, 10).equals(image.subarray(65536 - 5, 65536 + 5))).toBe(true);
      expect(paged.byte(65536 + 17)).toBe(image[65536 + 17]);
    } finally {
      file.close();
    }
  });

  it('verifies and recovers from the file, and finds the same changed byte as in memory', () => {
    const file = FileImageSource.open(imagePath);
    try {
      const rep = verifyVolume(file, { sidecar, issuerCertificates: [root] });
      expect(rep.findings.filter((f) => !f.ok)).toEqual([]);
      expect(rep.ok).toBe(true);
      const got = recoverVscFromImage(file, { vscId: firstVsc.vscId, version: 1 }, { expectedImageSha256: imageSha256 });
      expect(got.content.equals(firstVsc.content)).toBe(true);
    } finally {
      file.close();
    }
    const parts = readIso(image);
    const vsc = parts.files.find((f) => f.path.startsWith('vsc/'))!;
    const bad = Buffer.from(image);
    bad[vsc.lba * 2048 + 100] ^= 0x01;
    const badPath = join(dir, 'changed.iso');
    writeFileSync(badPath, bad);
    const badFile = FileImageSource.open(badPath);
    try {
      const fromFile = verifyVolume(badFile, { sidecar });
      const fromMemory = verifyVolume(bad, { sidecar });
      expect(fromFile.ok).toBe(false);
      expect(fromFile.changed).toEqual(fromMemory.changed);
      expect(fromFile.changed.map((c) => c.name)).toEqual([vsc.path]);
    } finally {
      badFile.close();
    }
  });
});
