import { createHash } from 'node:crypto';
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';

/**
 * An image to read by position: a buffer in memory, or a file (or an optical drive) read with
 * positioned reads, so that reading, mapping and verifying a volume holds a few pages of it at a
 * time instead of the whole image.
 */
export interface ImageSource {
  /** Size in bytes. */
  readonly size: number;
  /** The bytes [offset, offset + length): a view of a buffer or a fresh copy; never kept by the source. */
  read(offset: number, length: number): Buffer;
}

/** Chunk size of whole-image reads (hashing). */
const CHUNK = 4 * 1048576;

/** An image in memory. */
export class BufferImageSource implements ImageSource {
  readonly buffer: Buffer;
  constructor(image: Uint8Array) {
    this.buffer = Buffer.from(image.buffer, image.byteOffset, image.byteLength);
  }
  get size(): number {
    return this.buffer.length;
  }
  read(offset: number, length: number): Buffer {
    if (offset < 0 || length < 0 || offset + length > this.buffer.length)
      throw new RangeError(`bytes ${offset}+${length} lie outside the image`);
    return this.buffer.subarray(offset, offset + length);
  }
}

/** An image file (or block device) read by position; close it when done. */
export class FileImageSource implements ImageSource {
  private constructor(
    private fd: number | null,
    readonly size: number,
    readonly path: string,
  ) {}

  /**
   * Opens `path`. A block device (optical media) has no size of its own that matches the image
   * (drives report whole sectors or more past what was burned): give `size`, the sidecar's.
   */
  static open(path: string, size?: number): FileImageSource {
    const fd = openSync(path, 'r');
    try {
      const st = fstatSync(fd);
      if (st.isBlockDevice() && size === undefined) throw new RangeError(`${path} is a device: its image size must be given`);
      return new FileImageSource(fd, st.isBlockDevice() ? size! : st.size, path);
    } catch (e) {
      closeSync(fd);
      throw e;
    }
  }

  read(offset: number, length: number): Buffer {
    if (this.fd === null) throw new Error(`${this.path} is closed`);
    if (offset < 0 || length < 0 || offset + length > this.size) throw new RangeError(`bytes ${offset}+${length} lie outside the image`);
    const buf = Buffer.allocUnsafe(length);
    let done = 0;
    while (done < length) {
      const n = readSync(this.fd, buf, done, length - done, offset + done);
      if (n === 0) throw new RangeError(`${this.path} ends at byte ${offset + done}, before ${offset + length}`);
      done += n;
    }
    return buf;
  }

  close(): void {
    if (this.fd !== null) closeSync(this.fd);
    this.fd = null;
  }
}

/** The argument most readers take: an image in memory or a source. */
export type ImageInput = Uint8Array | ImageSource;

export const isImageSource = (x: ImageInput): x is ImageSource => !(x instanceof Uint8Array);

/** The source of an image given either way. */
export const toSource = (x: ImageInput): ImageSource => (isImageSource(x) ? x : new BufferImageSource(x));

/** SHA-256 of bytes [offset, offset + length) of a source, read a chunk at a time. */
export function sha256OfRange(src: ImageSource, offset = 0, length = src.size - offset): string {
  const h = createHash('sha256');
  for (let at = offset; at < offset + length; at += CHUNK) h.update(src.read(at, Math.min(CHUNK, offset + length - at)));
  return h.digest('hex');
}

/** True when bytes [offset, offset + length) are all zero. */
export function rangeIsZero(src: ImageSource, offset: number, length: number): boolean {
  for (let at = offset; at < offset + length; at += CHUNK) {
    const b = src.read(at, Math.min(CHUNK, offset + length - at));
    for (let i = 0; i < b.length; i++) if (b[i] !== 0) return false;
  }
  return true;
}

const PAGE = 65536;
const MAX_PAGES = 64;

/**
 * Small reads of a source through a few cached pages (4 MiB at most): what the ISO reader needs
 * for its many reads of descriptors, path tables, directory records and continuation areas.
 * Over a buffer it reads the buffer directly.
 */
export class PagedImage {
  readonly size: number;
  private readonly whole: Buffer | undefined;
  private readonly pages = new Map<number, Buffer>();
  private lastNo = -1;
  private last: Buffer | undefined;

  constructor(private readonly src: ImageSource) {
    this.size = src.size;
    this.whole = src instanceof BufferImageSource ? src.buffer : undefined;
  }

  private page(no: number): Buffer {
    if (no === this.lastNo && this.last) return this.last;
    let p = this.pages.get(no);
    if (!p) {
      const at = no * PAGE;
      p = this.src.read(at, Math.min(PAGE, this.size - at));
      if (this.pages.size >= MAX_PAGES) this.pages.delete(this.pages.keys().next().value as number);
      this.pages.set(no, p);
    }
    this.lastNo = no;
    this.last = p;
    return p;
  }

  /** One byte; the caller has checked the bounds. */
  byte(at: number): number {
    if (this.whole) return this.whole[at];
    return this.page(Math.floor(at / PAGE))[at % PAGE];
  }

  /** The bytes [at, at + n), the caller having checked the bounds; may be a view of a cached page. */
  slice(at: number, n: number): Buffer {
    if (this.whole) return this.whole.subarray(at, at + n);
    const first = Math.floor(at / PAGE);
    if (Math.floor((at + n - 1) / PAGE) === first || n === 0) {
      const p = this.page(first);
      return p.subarray(at % PAGE, (at % PAGE) + n);
    }
    return this.src.read(at, n);
  }

  isZero(at: number, end: number): boolean {
    const b = this.slice(at, end - at);
    for (let i = 0; i < b.length; i++) if (b[i] !== 0) return false;
    return true;
  }
}

const WINDOW = 4 * 1048576;

/**
 * Reads of a source that mostly move forward (the files of a volume in path order): served from
 * one window of 4 MiB read at a time, so verifying ten thousand small files makes a few dozen
 * reads instead of ten thousand. Over a buffer it reads the buffer directly.
 */
export class ForwardReader {
  private start = 0;
  private window: Buffer = Buffer.alloc(0);
  constructor(private readonly src: ImageSource) {}

  read(offset: number, length: number): Buffer {
    if (this.src instanceof BufferImageSource || length > WINDOW) return this.src.read(offset, length);
    if (offset < this.start || offset + length > this.start + this.window.length) {
      this.start = offset;
      this.window = this.src.read(offset, Math.max(length, Math.min(WINDOW, this.src.size - offset)));
    }
    return this.window.subarray(offset - this.start, offset - this.start + length);
  }
}
