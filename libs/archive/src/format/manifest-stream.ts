import { DocumentError, compactJson, decodeDocument, encodeDocument, type JsonValue } from './document';
import {
  COMPACT_MANIFEST_KEYS,
  checkManifestEntry,
  checkManifestHeader,
  manifestCheck,
  manifestEntryCheck,
  type Manifest,
  type ManifestEntry,
} from './manifest.codec';
import type { ManifestFormat } from '../volume/layout';
import type { ImageSource } from '../iso/image-source';

/**
 * The manifest written and read as a stream: a volume of any size is sealed and verified holding
 * one entry at a time, never the manifest or its list of entries. The bytes are exactly those of
 * `encodeManifest` (the canonical form: keys sorted, one entry per line), and the reader applies
 * the same checks as `decodeManifest`, line by line: canonical form, shape, the rules between
 * fields, the layout of every path and the order of the entries.
 */

/** A manifest without its entries. */
export type ManifestHeader = Omit<Manifest, 'entries'>;

const OPEN = '  "entries": [';
const CLOSE = '  ],';
const EMPTY = '  "entries": [],';
const INDENT = '    ';
/** The longest line accepted (an entry is about 330 bytes). */
const MAX_LINE = 64 * 1024;
/** Lines before and after the entries (about twenty in a real manifest). */
const MAX_FRAME_LINES = 256;
const CHUNK = 1 << 20;

/** The canonical text of a manifest before and after its entries. Throws DocumentError for a header a manifest cannot have. */
export function manifestFrame(header: ManifestHeader): { prefix: string; suffix: string } {
  const value = { ...header, entries: [] } as unknown as JsonValue;
  manifestCheck(JSON.parse(JSON.stringify(value)) as JsonValue, 'manifest');
  checkManifestHeader(header);
  const text = encodeDocument(value, COMPACT_MANIFEST_KEYS).toString('utf8');
  const at = text.indexOf(`\n${EMPTY}\n`);
  return { prefix: `${text.slice(0, at + 1)}${OPEN}\n`, suffix: `\n${CLOSE}\n${text.slice(at + EMPTY.length + 2)}` };
}

/**
 * The text of a manifest's entries, built one entry at a time in path order: each entry checked
 * as the reader will check it. Write `prefix`, then what `append` returns for every entry, then
 * `suffix` (manifestFrame).
 */
export class ManifestEntriesText {
  private last = '';
  /** Entries appended so far. */
  count = 0;
  constructor(private readonly format: ManifestFormat) {}

  /** The text appending `e`. Throws DocumentError (a malformed entry, or one out of path order). */
  append(e: ManifestEntry): string {
    const v = manifestEntryCheck(e as unknown as JsonValue, `manifest.entries[${this.count}]`) as ManifestEntry;
    checkManifestEntry(v, this.format, this.last);
    this.last = v.path;
    return `${this.count++ ? ',\n' : ''}${INDENT}${compactJson(v as unknown as JsonValue)}`;
  }
}

const notCanonical = (at: number, why: string): DocumentError =>
  new DocumentError(`the manifest is not in its canonical form at byte ${at}: ${why}`, at);

/**
 * Reads a manifest of `size` bytes at `offset` of a source, a chunk at a time, and yields its
 * entries in order; returns its header once the last byte has been read and checked. Every chunk
 * read is handed to `onBytes` first (hashes, the signature check). Throws DocumentError at the
 * first byte that is not as the canonical form, shape or rules say; the entries yielded before it
 * passed every check of their own.
 */
export function* readManifest(
  src: ImageSource,
  offset: number,
  size: number,
  onBytes?: (chunk: Buffer) => void,
): Generator<ManifestEntry, ManifestHeader, void> {
  let phase: 'head' | 'entries' | 'tail' = 'head';
  const head: string[] = [];
  const tail: string[] = [];
  let count = 0;
  let lastPath = '';
  let firstPath = '';
  let commaOwed = false;
  let format: ManifestFormat | undefined;

  const frameLine = (into: string[], line: string, at: number): void => {
    if (into.length >= MAX_FRAME_LINES) throw notCanonical(at, `more than ${MAX_FRAME_LINES} lines around the entries`);
    into.push(line);
  };

  /** One line: an entry to yield, or undefined. */
  const onLine = (line: string, at: number): ManifestEntry | undefined => {
    if (phase === 'head') {
      if (line === EMPTY) throw new DocumentError('manifest: a volume holds at least one VSC', at);
      if (line === OPEN) phase = 'entries';
      else frameLine(head, line, at);
      return undefined;
    }
    if (phase === 'tail') {
      frameLine(tail, line, at);
      return undefined;
    }
    if (line === CLOSE) {
      if (count === 0) throw new DocumentError('manifest: a volume holds at least one VSC', at);
      if (commaOwed) throw notCanonical(at - 2, 'a comma after the last entry');
      phase = 'tail';
      return undefined;
    }
    if (!line.startsWith(`${INDENT}{`)) throw notCanonical(at, 'an entry line is expected');
    if (count > 0 && !commaOwed) throw notCanonical(at - 1, 'a comma is missing after an entry');
    let body = line.slice(INDENT.length);
    commaOwed = body.endsWith(',');
    if (commaOwed) body = body.slice(0, -1);
    let value: JsonValue;
    try {
      value = JSON.parse(body) as JsonValue;
    } catch (e) {
      throw new DocumentError(`the manifest is not JSON at byte ${at}: ${(e as Error).message}`, at);
    }
    let again: string;
    try {
      again = compactJson(value);
    } catch (e) {
      throw new DocumentError(`manifest.entries[${count}]: ${(e as Error).message}`, at);
    }
    if (again !== body) {
      let i = 0;
      while (i < again.length && again[i] === body[i]) i++;
      throw notCanonical(at + INDENT.length + i, `entry ${count} is not written as the canonical form writes it`);
    }
    const entry = manifestEntryCheck(value, `manifest.entries[${count}]`) as ManifestEntry;
    // The format is named after the entries (keys are sorted); the first entry's layout is held to
    // every other, and to the format once it is read.
    format ??= entry.path.split('/').length === 3 ? 'scm-archive-manifest/2' : 'scm-archive-manifest/1';
    checkManifestEntry(entry, format, lastPath);
    if (!count) firstPath = entry.path;
    lastPath = entry.path;
    count++;
    return entry;
  };

  let pending = '';
  let pendingAt = 0;
  for (let read = 0; read < size;) {
    const chunk = src.read(offset + read, Math.min(CHUNK, size - read));
    onBytes?.(chunk);
    const text = chunk.toString('latin1');
    // Every field of a manifest is ASCII, so its canonical bytes are.
    const high = text.search(/[\u0080-\u00ff]/);
    if (high >= 0) throw notCanonical(read + high, 'a byte above 0x7f (every field is ASCII)');
    read += chunk.length;
    let buf = pending + text;
    let start = 0;
    for (let nl = buf.indexOf('\n'); nl >= 0; nl = buf.indexOf('\n', start)) {
      const entry = onLine(buf.slice(start, nl), pendingAt + start);
      if (entry) yield entry;
      start = nl + 1;
    }
    pendingAt += start;
    buf = buf.slice(start);
    if (buf.length > MAX_LINE) throw notCanonical(pendingAt, `a line longer than ${MAX_LINE} bytes`);
    pending = buf;
  }
  if (pending !== '') throw notCanonical(size, 'it does not end with a newline');
  // (The phase moved on inside onLine.)
  const ended = phase as 'head' | 'entries' | 'tail';
  if (ended !== 'tail') throw notCanonical(size, ended === 'head' ? 'no list of entries' : 'the list of entries does not end');

  const frame = Buffer.from(`${head.join('\n')}\n${EMPTY}\n${tail.join('\n')}\n`, 'latin1');
  const header = manifestCheck(decodeDocument(frame, COMPACT_MANIFEST_KEYS, 'the manifest'), 'manifest') as Manifest;
  checkManifestHeader(header);
  if (header.format !== format) throw new DocumentError(`manifest: entry ${firstPath} does not match its VSC id and version`);
  const { entries: _none, ...rest } = header;
  return rest;
}

/** Reads a whole manifest as readManifest does, keeping none of its entries: its header and how many entries it has. */
export function scanManifest(
  src: ImageSource,
  offset: number,
  size: number,
  onBytes?: (chunk: Buffer) => void,
): { header: ManifestHeader; entries: number } {
  const it = readManifest(src, offset, size, onBytes);
  let entries = 0;
  for (let r = it.next(); ; r = it.next()) {
    if (r.done) return { header: r.value, entries };
    entries++;
  }
}

/**
 * The entries of a manifest in runs of one directory each (the entries are sorted by path, so a
 * directory's entries are consecutive): `vsc/3f` and its entries, and so on. For a manifest that
 * already passed scanManifest.
 */
export function* manifestDirectories(
  src: ImageSource,
  offset: number,
  size: number,
): Generator<{ directory: string; entries: ManifestEntry[] }> {
  let run: { directory: string; entries: ManifestEntry[] } | undefined;
  const it = readManifest(src, offset, size);
  for (let r = it.next(); !r.done; r = it.next()) {
    const e = r.value;
    const directory = e.path.slice(0, e.path.lastIndexOf('/'));
    if (run && run.directory !== directory) {
      yield run;
      run = undefined;
    }
    (run ??= { directory, entries: [] }).entries.push(e);
  }
  if (run) yield run;
}
