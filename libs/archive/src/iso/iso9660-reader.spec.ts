import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { xorrisoWriter } from '../seal/xorriso-writer';
import { mapImage } from './image-map';
import { IsoError, directoryFiles, readIso, readIsoStructure } from './iso9660-reader';

describe('ISO 9660 reader and image map (images written by xorriso)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'scm-iso-spec-'));
  let image: Buffer;
  const names = ['aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeee1-v1.vsc', 'aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeee2-v12.vsc'];

  beforeAll(async () => {
    mkdirSync(join(dir, 'root', 'vsc'), { recursive: true });
    writeFileSync(join(dir, 'root', 'MANIFEST.JSON'), '{}\n');
    writeFileSync(join(dir, 'root', 'vsc', names[0]), Buffer.alloc(3000, 1));
    writeFileSync(join(dir, 'root', 'vsc', names[1]), Buffer.alloc(2048, 2));
    // A directory of the layout of format /2, one level down.
    mkdirSync(join(dir, 'root', 'vsc', 'aa'), { recursive: true });
    writeFileSync(join(dir, 'root', 'vsc', 'aa', names[0]), Buffer.alloc(5000, 3));
    await xorrisoWriter()(join(dir, 'root'), join(dir, 'x.iso'), 'SCM_ARCHIVE_000009');
    image = readFileSync(join(dir, 'x.iso'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('reads Rock Ridge names, Joliet names and where each file is; the volume is the image, unpadded', () => {
    const iso = readIso(image);
    expect(iso).toMatchObject({ volumeId: 'SCM_ARCHIVE_000009', rockRidge: true, joliet: true, sectors: image.length / 2048 });
    expect(iso.files.map((f) => f.path).sort()).toEqual(['MANIFEST.JSON', `vsc/aa/${names[0]}`, `vsc/${names[0]}`, `vsc/${names[1]}`]);
    expect(iso.jolietFiles).toEqual(expect.arrayContaining(iso.files));
    const f = iso.files.find((x) => x.path === `vsc/${names[0]}`)!;
    expect(image.subarray(f.lba * 2048, f.lba * 2048 + f.size).equals(Buffer.alloc(3000, 1))).toBe(true);
  });

  it('maps every sector to one owner: structures, files, padding', () => {
    const regions = mapImage(image, readIso(image), { 'MANIFEST.JSON': 'manifest' });
    expect(regions.reduce((n, r) => n + r.length, 0)).toBe(image.length);
    for (let i = 1; i < regions.length; i++) expect(regions[i].offset).toBe(regions[i - 1].offset + regions[i - 1].length);
    expect(regions.map((r) => r.name)).toEqual(
      expect.arrayContaining([
        'system area',
        'volume descriptors',
        'directory /vsc (Joliet)',
        'directory / (ISO 9660/Rock Ridge)',
        'MANIFEST.JSON',
        `vsc/${names[1]}`,
      ]),
    );
    expect(regions.find((r) => r.name === 'MANIFEST.JSON')?.kind).toBe('manifest');
  });

  it('reads the structure without the files, then the same files one directory at a time, in both trees', () => {
    const whole = readIso(image);
    const s = readIsoStructure(image);
    const { files, jolietFiles, ...rest } = whole;
    expect(s).toEqual(rest);
    expect(s.fileCount).toEqual({ iso: 4, joliet: 4 });
    expect(s.directories.filter((d) => d.tree === 'iso').map((d) => d.path)).toEqual(['/', '/vsc', '/vsc/aa']);
    const byDir = (tree: 'iso' | 'joliet') => s.directories.filter((d) => d.tree === tree).flatMap((d) => directoryFiles(image, s, d));
    expect(byDir('iso')).toEqual(expect.arrayContaining(files));
    expect(byDir('iso')).toHaveLength(files.length);
    expect(byDir('joliet')).toEqual(expect.arrayContaining(jolietFiles));
    expect(
      directoryFiles(
        image,
        s,
        s.directories.find((d) => d.path === '/vsc/aa')!,
      ).map((f) => f.path),
    ).toEqual([`vsc/aa/${names[0]}`]);
  });

  it('maps the same from the structure as from the whole tree; without file runs it leaves out only those', () => {
    const special = { 'MANIFEST.JSON': 'manifest' } as const;
    const full = mapImage(image, readIso(image), special);
    expect(mapImage(image, readIsoStructure(image), special)).toEqual(full);
    const lean = mapImage(image, readIsoStructure(image), special, { fileRegions: false });
    expect(lean).toEqual(full.filter((r) => r.kind !== 'file'));
    expect(lean.find((r) => r.name === 'MANIFEST.JSON')?.kind).toBe('manifest');
  });

  it('refuses damaged structures with the offset, never reading outside the image', () => {
    const iso = readIso(image);
    const dirRec = iso.directories.find((d) => d.tree === 'iso' && d.path === '/vsc')!;
    const broken = Buffer.from(image);
    // The second record of /vsc ("..") then the first file: corrupt the little-endian extent of the file.
    let p = dirRec.lba * 2048;
    p += broken[p];
    p += broken[p];
    broken[p + 2] ^= 0xff;
    expect(() => readIso(broken)).toThrow(IsoError);
    expect(() => readIso(image.subarray(0, 17 * 2048))).toThrow(/outside the image|not a volume descriptor/);
    expect(() => readIso(Buffer.concat([image, Buffer.alloc(5)]))).toThrow(/whole number/);
    const noMagic = Buffer.from(image);
    noMagic[16 * 2048 + 1] = 0x58;
    expect(() => readIso(noMagic)).toThrow(/sector 16 is not a volume descriptor/);
  });
});
