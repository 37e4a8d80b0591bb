import type { RegionKind } from '../format/sidecar.codec';
import { SECTOR } from '../volume/layout';
import { rangeIsZero, toSource, type ImageInput } from './image-source';
import { IsoError, directoryFiles, type IsoFile, type IsoImage, type IsoStructure } from './iso9660-reader';

/** A run of sectors with one owner: an ISO structure, a file, or padding. */
export interface ImageRegion {
  offset: number;
  length: number;
  kind: RegionKind | 'file';
  /** What people are told: "directory /vsc (Joliet)", "MANIFEST.JSON", "padding (unused sectors)". */
  name: string;
  /** For files: the path in the image. */
  path?: string;
}

const TREE = { iso: 'ISO 9660/Rock Ridge', joliet: 'Joliet' } as const;

/**
 * Assigns every sector of the image to what occupies it and returns the runs, in order. Files
 * named in `special` get that kind (the manifest, its signature, the certificates); other files
 * are 'file'. Sectors nothing claims are padding when zero, else "unidentified ISO data".
 * Given a structure without its files (readIsoStructure), it reads them one directory at a time.
 * With `fileRegions: false` the runs of ordinary files are left out of the result (what a sidecar
 * needs): what it holds is then four bytes per sector of the image and the other runs, whatever
 * the number of files.
 */
export function mapImage(
  image: ImageInput,
  iso: IsoImage | IsoStructure,
  special: Readonly<Record<string, RegionKind>> = {},
  opts: { fileRegions?: boolean } = {},
): ImageRegion[] {
  const src = toSource(image);
  const total = src.size / SECTOR;
  if (!Number.isInteger(total)) throw new IsoError('the image is not a whole number of sectors');
  if (iso.sectors !== total) throw new IsoError(`the volume space size (${iso.sectors} sectors) is not the image size (${total})`);
  const labels: Array<Omit<ImageRegion, 'offset' | 'length'>> = [];
  const ids = new Map<string, number>();
  const labelId = (label: Omit<ImageRegion, 'offset' | 'length'>): number => {
    const key = `${label.kind}\0${label.name}`;
    let id = ids.get(key);
    if (id === undefined) ids.set(key, (id = labels.push(label) - 1));
    return id;
  };
  const owner = new Int32Array(total).fill(-1);
  const claim = (first: number, count: number, label: Omit<ImageRegion, 'offset' | 'length'>, exclusive: boolean): void => {
    const id = labelId(label);
    for (let s = first; s < first + count; s++) {
      if (s >= total) throw new IsoError(`${label.name} runs past the end of the image`);
      if (owner[s] >= 0) {
        if (exclusive && owner[s] !== id) throw new IsoError(`${label.name} shares sector ${s} with ${labels[owner[s]].name}`);
        continue;
      }
      owner[s] = id;
    }
  };
  const sectorsOf = (bytes: number): number => Math.ceil(bytes / SECTOR);
  claim(0, 16, { kind: rangeIsZero(src, 0, 16 * SECTOR) ? 'padding' : 'iso', name: 'system area' }, true);
  for (const s of iso.descriptorSectors) claim(s, 1, { kind: 'iso', name: 'volume descriptors' }, true);
  for (const t of iso.pathTables) claim(t.lba, sectorsOf(t.size), { kind: 'iso', name: `path table (${TREE[t.tree]}, ${t.kind})` }, true);
  for (const d of iso.directories) claim(d.lba, sectorsOf(d.size), { kind: 'iso', name: `directory ${d.path} (${TREE[d.tree]})` }, true);
  // Continuation areas may share a sector with each other.
  for (const c of iso.continuations) claim(c.lba, 1, { kind: 'iso', name: 'Rock Ridge continuation area' }, false);
  const files = function* (): Generator<IsoFile> {
    if ('files' in iso) yield* iso.files;
    else for (const d of iso.directories) if (d.tree === 'iso') yield* directoryFiles(src, iso, d);
  };
  const eachFile = opts.fileRegions ?? true;
  // Files not mapped one by one share a label (a file sharing a sector with another is then not named).
  const anyFile = eachFile ? -1 : labelId({ kind: 'file', name: 'a file' });
  for (const f of files()) {
    if (f.size === 0) continue;
    const kind = (special[f.path] as RegionKind | undefined) ?? 'file';
    claim(f.lba, sectorsOf(f.size), kind === 'file' && !eachFile ? labels[anyFile] : { kind, name: f.path, path: f.path }, true);
  }
  const padding = labelId({ kind: 'padding', name: 'padding (unused sectors)' });
  const unknown = labelId({ kind: 'iso', name: 'unidentified ISO data' });
  for (let s = 0; s < total; s++) {
    if (owner[s] < 0) owner[s] = rangeIsZero(src, s * SECTOR, SECTOR) ? padding : unknown;
  }
  const out: ImageRegion[] = [];
  for (let s = 0; s < total;) {
    let e = s + 1;
    while (e < total && owner[e] === owner[s]) e++;
    if (owner[s] !== anyFile) out.push({ offset: s * SECTOR, length: (e - s) * SECTOR, ...labels[owner[s]] });
    s = e;
  }
  return out;
}
