import { SECTOR } from '../volume/layout';
import { PagedImage, toSource, type ImageInput } from './image-source';

/**
 * A small ISO 9660 reader for the images SCM writes (xorriso: Rock Ridge and Joliet, one
 * session, no multi-extent files): volume descriptors, path tables, both directory trees with
 * their Rock Ridge names and continuation areas, and where every file's bytes are. It reads
 * damaged images defensively: every offset and length is bounds-checked and both-endian fields
 * must agree, so a changed structure byte is an `IsoError`, never a wild read.
 */
export class IsoError extends Error {
  constructor(
    message: string,
    /** Byte offset in the image, when known. */
    readonly offset?: number,
  ) {
    super(message);
  }
}

export type IsoTree = 'iso' | 'joliet';

export interface IsoFile {
  /** Path without a leading slash: Rock Ridge name in the ISO 9660 tree, UCS-2 name in Joliet. */
  path: string;
  lba: number;
  size: number;
}

export interface IsoDirectory {
  tree: IsoTree;
  path: string;
  lba: number;
  size: number;
}

export interface IsoPathTable {
  tree: IsoTree;
  kind: 'L' | 'M';
  lba: number;
  size: number;
}

/** A Rock Ridge (SUSP) continuation area. */
export interface IsoContinuation {
  lba: number;
  offset: number;
  length: number;
}

/** The structure of an image without its list of files: what a reader keeps to go through a volume of any size one directory at a time. */
export interface IsoStructure {
  volumeId: string;
  /** Volume space size, in 2048-byte sectors. */
  sectors: number;
  /** Sectors holding volume descriptors, terminator included. */
  descriptorSectors: number[];
  pathTables: IsoPathTable[];
  /** Every directory of both trees (a volume has a few hundred). */
  directories: IsoDirectory[];
  /** Rock Ridge continuation areas, each once. */
  continuations: IsoContinuation[];
  rockRidge: boolean;
  joliet: boolean;
  /** How many files each tree holds. */
  fileCount: { iso: number; joliet: number };
  /** Bytes of the SUSP area each record skips (the SP entry's), or -1 without SUSP: for directoryFiles. */
  suspSkip: number;
}

export interface IsoImage extends IsoStructure {
  /** Files of the ISO 9660 tree (Rock Ridge names when present). */
  files: IsoFile[];
  /** Files of the Joliet tree, when there is one. */
  jolietFiles: IsoFile[];
}

const MAX_DESCRIPTORS = 32;
const MAX_DEPTH = 16;
const MAX_RECORDS = 2_000_000;
const MAX_CONTINUATIONS = 64;
const JOLIET_ESCAPES = ['%/@', '%/C', '%/E'];

class Reader {
  records = 0;
  readonly directories: IsoDirectory[] = [];
  readonly continuations: IsoContinuation[] = [];
  private readonly seenContinuations = new Set<string>();
  private readonly seenDirs = new Set<number>();
  suspSkip = -1;

  constructor(readonly b: PagedImage) {}

  both32(at: number, what: string): number {
    this.need(at, 8, what);
    const x = this.b.slice(at, 8);
    const le = x.readUInt32LE(0);
    if (le !== x.readUInt32BE(4)) throw new IsoError(`${what}: its little- and big-endian copies differ`, at);
    return le;
  }

  both16(at: number, what: string): number {
    this.need(at, 4, what);
    const x = this.b.slice(at, 4);
    const le = x.readUInt16LE(0);
    if (le !== x.readUInt16BE(2)) throw new IsoError(`${what}: its little- and big-endian copies differ`, at);
    return le;
  }

  need(at: number, n: number, what: string): void {
    if (at < 0 || n < 0 || at + n > this.b.size) throw new IsoError(`${what} lies outside the image`, at);
  }

  extent(lba: number, size: number, what: string): void {
    this.need(lba * SECTOR, size, `the extent of ${what}`);
  }

  /** Walks one directory tree from its root record, handing every file to `onFile`. */
  walk(tree: IsoTree, rootAt: number, onFile: (f: IsoFile) => void): void {
    const root = this.record(rootAt, tree, false);
    if (!root || !root.dir) throw new IsoError(`the root directory record of the ${tree} tree is not a directory`, rootAt);
    this.directory(tree, '', root.lba, root.size, 0, onFile, true);
  }

  /** The records of one directory: its files to `onFile`, its subdirectories walked when `recurse`. */
  directory(tree: IsoTree, path: string, lba: number, size: number, depth: number, onFile: (f: IsoFile) => void, recurse: boolean): void {
    if (depth > MAX_DEPTH) throw new IsoError(`directories nest deeper than ${MAX_DEPTH} at /${path}`);
    const key = lba * 2 + (tree === 'joliet' ? 1 : 0);
    if (this.seenDirs.has(key)) throw new IsoError(`directory /${path} loops back to an earlier one`, lba * SECTOR);
    this.seenDirs.add(key);
    this.extent(lba, size, `directory /${path}`);
    if (size % SECTOR !== 0) throw new IsoError(`directory /${path} is not a whole number of sectors`, lba * SECTOR);
    if (recurse) this.directories.push({ tree, path: `/${path}`, lba, size });
    const start = lba * SECTOR;
    let first = true;
    for (let sector = start; sector < start + size; sector += SECTOR) {
      let pos = sector;
      while (pos < sector + SECTOR) {
        const len = this.b.byte(pos);
        if (len === 0) break;
        if (++this.records > MAX_RECORDS) throw new IsoError('too many directory records');
        const rec = this.record(pos, tree, first && path === '');
        if (pos + len > sector + SECTOR) throw new IsoError(`a directory record of /${path} crosses a sector boundary`, pos);
        pos += len;
        if (first) {
          if (!rec || rec.name !== '.') throw new IsoError(`directory /${path} does not start with its "." record`, sector);
          if (rec.lba !== lba) throw new IsoError(`the "." record of /${path} points elsewhere`, sector);
          first = false;
          continue;
        }
        if (!rec || rec.name === '.' || rec.name === '..') continue;
        const child = path ? `${path}/${rec.name}` : rec.name;
        if (rec.dir) {
          if (recurse) this.directory(tree, child, rec.lba, rec.size, depth + 1, onFile, true);
        } else {
          if (rec.size > 0) this.extent(rec.lba, rec.size, `file /${child}`);
          onFile({ path: child, lba: rec.lba, size: rec.size });
        }
      }
      // Whatever follows the last record of a sector must be zero.
      if (pos < sector + SECTOR && !this.b.isZero(pos, sector + SECTOR)) {
        let i = pos;
        while (this.b.byte(i) === 0) i++;
        throw new IsoError(`unexpected bytes after the last record of a sector of /${path}`, i);
      }
    }
  }

  /** One directory record; `root` marks the record whose SUSP area carries the SP entry. */
  private record(at: number, tree: IsoTree, root: boolean): { name: string; lba: number; size: number; dir: boolean } | undefined {
    this.need(at, 34, 'a directory record');
    const len = this.b.byte(at);
    const nameLen = this.b.byte(at + 32);
    if (len < 34 || 33 + nameLen > len) throw new IsoError('a directory record has an impossible length', at);
    this.need(at, len, 'a directory record');
    if (this.b.byte(at + 1) !== 0) throw new IsoError('extended attribute records are not used here', at + 1);
    const lba = this.both32(at + 2, 'an extent location');
    const size = this.both32(at + 10, 'a data length');
    const flags = this.b.byte(at + 25);
    if (flags & 0x80) throw new IsoError('multi-extent files are not used here', at + 25);
    if (this.b.byte(at + 26) !== 0 || this.b.byte(at + 27) !== 0) throw new IsoError('interleaved files are not used here', at + 26);
    if (this.both16(at + 28, 'a volume sequence number') !== 1) throw new IsoError('a record names another volume of a set', at + 28);
    const raw = this.b.slice(at + 33, nameLen);
    let name: string;
    if (nameLen === 1 && raw[0] === 0) name = '.';
    else if (nameLen === 1 && raw[0] === 1) name = '..';
    else if (tree === 'joliet') {
      if (nameLen % 2) throw new IsoError('a Joliet name has an odd length', at + 32);
      name = ucs2(raw).replace(/;1$/, '');
    } else name = raw.toString('latin1').replace(/;1$/, '').replace(/\.$/, '');
    if (tree === 'iso') {
      const suStart = at + 33 + nameLen + (nameLen % 2 === 0 ? 1 : 0);
      const rr = this.susp(suStart, at + len, root);
      if (rr !== undefined && name !== '.' && name !== '..') name = rr;
    }
    if (name !== '.' && name !== '..' && (!name || name.includes('/') || name === '.' || name === '..'))
      throw new IsoError(`a file name is not usable ("${name}")`, at + 33);
    return { name, lba, size, dir: (flags & 0x02) !== 0 };
  }

  /** Reads the SUSP entries of a system use area (and its continuations); returns the Rock Ridge name if any. */
  private susp(start: number, end: number, root: boolean): string | undefined {
    if (root) {
      // The SP entry opens the root's "." system use area when SUSP (and so Rock Ridge) is used.
      const sp = end - start >= 7 ? this.b.slice(start, 7) : undefined;
      if (sp && sp.toString('latin1', 0, 2) === 'SP') {
        if (sp[2] !== 7 || sp[3] !== 1 || sp[4] !== 0xbe || sp[5] !== 0xef) throw new IsoError('a malformed SUSP SP entry', start);
        this.suspSkip = sp[6];
      }
    }
    if (this.suspSkip < 0) return undefined;
    let name: string | undefined;
    let parts: Buffer[] = [];
    let pos = root ? start : start + this.suspSkip;
    let stop = end;
    let hops = 0;
    for (;;) {
      let next: IsoContinuation | undefined;
      while (pos + 4 <= stop) {
        const sig = this.b.slice(pos, 2).toString('latin1');
        const l = this.b.byte(pos + 2);
        if (sig === '\0\0' && l === 0) break; // padding at the end of an area
        if (l < 4 || pos + l > stop) throw new IsoError(`a malformed SUSP entry "${printable(sig)}"`, pos);
        if (sig === 'NM') {
          if (l < 5) throw new IsoError('a malformed Rock Ridge NM entry', pos);
          const flags = this.b.byte(pos + 4);
          if (flags & 0x06) throw new IsoError('an NM entry for "." or ".." on a file', pos);
          parts.push(Buffer.from(this.b.slice(pos + 5, l - 5)));
          if (!(flags & 0x01)) {
            name = Buffer.concat(parts).toString('utf8');
            parts = [];
          }
        } else if (sig === 'CE') {
          if (l !== 28) throw new IsoError('a malformed SUSP CE entry', pos);
          const lba = this.both32(pos + 4, 'a continuation block');
          const offset = this.both32(pos + 12, 'a continuation offset');
          const length = this.both32(pos + 20, 'a continuation length');
          if (offset + length > SECTOR) throw new IsoError('a continuation area crosses its sector', pos);
          this.need(lba * SECTOR + offset, length, 'a continuation area');
          next = { lba, offset, length };
        } else if (sig === 'ST') break;
        pos += l;
      }
      if (!next) break;
      if (++hops > MAX_CONTINUATIONS) throw new IsoError('too many SUSP continuation areas');
      const seen = `${next.lba}/${next.offset}/${next.length}`;
      if (!this.seenContinuations.has(seen)) {
        this.seenContinuations.add(seen);
        this.continuations.push(next);
      }
      pos = next.lba * SECTOR + next.offset;
      stop = pos + next.length;
    }
    if (parts.length) throw new IsoError('a Rock Ridge name is left unfinished', start);
    return name;
  }
}

function ucs2(b: Buffer): string {
  let s = '';
  for (let i = 0; i + 1 < b.length; i += 2) s += String.fromCharCode(b.readUInt16BE(i));
  return s;
}

const printable = (s: string): string => s.replace(/[^\x20-\x7e]/g, '?');

/** Reads the structure of an ISO 9660 image (nothing of the files' contents) with every file of both trees. Throws IsoError. */
export function readIso(image: ImageInput): IsoImage {
  const files: IsoFile[] = [];
  const jolietFiles: IsoFile[] = [];
  const s = walkIso(image, (tree, f) => (tree === 'iso' ? files : jolietFiles).push(f));
  return { ...s, files, jolietFiles };
}

/**
 * Reads and checks the structure of an ISO 9660 image as readIso does (every directory record of
 * both trees), keeping the directories but none of the files: a volume of any size is then gone
 * through one directory at a time (directoryFiles). Throws IsoError.
 */
export function readIsoStructure(image: ImageInput): IsoStructure {
  return walkIso(image, () => undefined);
}

/** The files directly in one directory of a structure readIsoStructure read (its subdirectories are not walked). Throws IsoError. */
export function directoryFiles(image: ImageInput, iso: IsoStructure, dir: IsoDirectory): IsoFile[] {
  const r = new Reader(new PagedImage(toSource(image)));
  r.suspSkip = iso.suspSkip;
  const files: IsoFile[] = [];
  r.directory(dir.tree, dir.path.slice(1), dir.lba, dir.size, 0, (f) => files.push(f), false);
  return files;
}

function walkIso(image: ImageInput, onFile: (tree: IsoTree, f: IsoFile) => void): IsoStructure {
  const b = new PagedImage(toSource(image));
  const r = new Reader(b);
  if (b.size % SECTOR !== 0) throw new IsoError(`the image is ${b.size} bytes, not a whole number of 2048-byte sectors`);
  const descriptorSectors: number[] = [];
  let pvd: number | undefined;
  let svd: number | undefined;
  for (let s = 16; ; s++) {
    if (descriptorSectors.length >= MAX_DESCRIPTORS) throw new IsoError('no volume descriptor set terminator');
    const at = s * SECTOR;
    r.need(at, SECTOR, 'a volume descriptor');
    if (b.slice(at + 1, 5).toString('latin1') !== 'CD001' || b.byte(at + 6) !== 1)
      throw new IsoError(`sector ${s} is not a volume descriptor`, at);
    descriptorSectors.push(s);
    const type = b.byte(at);
    if (type === 255) break;
    if (type === 1) {
      if (pvd !== undefined) throw new IsoError('two primary volume descriptors', at);
      pvd = at;
    } else if (type === 2 && JOLIET_ESCAPES.includes(b.slice(at + 88, 3).toString('latin1'))) {
      if (svd !== undefined) throw new IsoError('two Joliet volume descriptors', at);
      svd = at;
    } else throw new IsoError(`volume descriptor type ${type} is not used here`, at);
  }
  if (pvd === undefined) throw new IsoError('no primary volume descriptor');
  const sectors = r.both32(pvd + 80, 'the volume space size');
  if (r.both16(pvd + 128, 'the logical block size') !== SECTOR) throw new IsoError('the logical block size is not 2048', pvd + 128);
  const volumeId = b
    .slice(pvd + 40, 32)
    .toString('latin1')
    .trimEnd();
  const pathTables: IsoPathTable[] = [];
  const tables = (at: number, tree: IsoTree): void => {
    const size = r.both32(at + 132, 'a path table size');
    for (const [off, kind, le] of [
      [140, 'L', true],
      [144, 'L', true],
      [148, 'M', false],
      [152, 'M', false],
    ] as const) {
      const lba = le ? b.slice(at + off, 4).readUInt32LE(0) : b.slice(at + off, 4).readUInt32BE(0);
      if (lba === 0) {
        if (off === 140 || off === 148) throw new IsoError(`the ${tree} tree has no ${kind} path table`, at + off);
        continue;
      }
      r.extent(lba, size, `a ${kind} path table`);
      pathTables.push({ tree, kind, lba, size });
    }
  };
  const fileCount = { iso: 0, joliet: 0 };
  const count = (tree: IsoTree) => (f: IsoFile) => {
    fileCount[tree]++;
    onFile(tree, f);
  };
  tables(pvd, 'iso');
  r.walk('iso', pvd + 156, count('iso'));
  if (svd !== undefined) {
    if (r.both32(svd + 80, 'the Joliet volume space size') !== sectors)
      throw new IsoError('the Joliet descriptor disagrees on the volume size', svd + 80);
    tables(svd, 'joliet');
    r.walk('joliet', svd + 156, count('joliet'));
  }
  return {
    volumeId,
    sectors,
    descriptorSectors,
    pathTables,
    directories: r.directories,
    continuations: r.continuations,
    rockRidge: r.suspSkip >= 0,
    joliet: svd !== undefined,
    fileCount,
    suspSkip: r.suspSkip,
  };
}
