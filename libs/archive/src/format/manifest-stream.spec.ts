import { createHash } from 'node:crypto';
import { BufferImageSource } from '../iso/image-source';
import { vscPath, type ManifestFormat } from '../volume/layout';
import { DocumentError } from './document';
import { decodeManifest, encodeManifest, type Manifest, type ManifestEntry } from './manifest.codec';
import {
  ManifestEntriesText,
  manifestDirectories,
  manifestFrame,
  readManifest,
  scanManifest,
  type ManifestHeader,
} from './manifest-stream';

const H = (c: string): string => c.repeat(64);

function header(format: ManifestFormat = 'scm-archive-manifest/2'): ManifestHeader {
  return {
    format,
    volume: 2,
    volumeId: 'SCM_ARCHIVE_000002',
    createdAt: '2026-01-02T03:04:05.678Z',
    previous: { volume: 1, imageSha256: H('a') },
    audit: {
      seq: 7,
      headHash: H('b'),
      signedAt: '2026-01-02T03:04:05.000Z',
      keyLabel: 'scm-audit-checkpoint/1',
      algorithm: 'ECDSA-SHA256',
      publicKey: 'AAAA',
      signature: 'ab',
    },
    signer: {
      keyLabel: 'scm-archive/1',
      algorithm: 'ECDSA-SHA256',
      certificateSha256: H('c'),
      certificates: { path: 'CERTS.PEM', sha256: H('d') },
    },
  };
}

/** n entries in path order: ids spread over the first byte, as real ones are. */
function entries(n: number, format: ManifestFormat = 'scm-archive-manifest/2'): ManifestEntry[] {
  const out: ManifestEntry[] = [];
  for (let i = 0; i < n; i++) {
    const hex = createHash('sha256').update(`e${i}`).digest('hex');
    const vscId = `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-8${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
    const version = (i % 11) + 1;
    out.push({
      path: vscPath(vscId, version, format),
      vscId,
      version,
      cardSerial: i % 3 ? `0000${i}` : null,
      sha256: createHash('sha256').update(`c${i}`).digest('hex'),
      size: 3900 + i,
      kek: 'scm-vsc-kek/1',
      recoveryKey: 'scm-recovery/2',
    });
  }
  return out.sort((a, b) => (a.path < b.path ? -1 : 1));
}

/** The manifest as the seal writes it: frame, then each entry's text, as a stream would. */
function streamed(h: ManifestHeader, es: ManifestEntry[]): Buffer {
  const { prefix, suffix } = manifestFrame(h);
  const text = new ManifestEntriesText(h.format);
  return Buffer.from(prefix + es.map((e) => text.append(e)).join('') + suffix, 'utf8');
}

const read = (bytes: Buffer): { header: ManifestHeader; entries: ManifestEntry[] } => {
  const it = readManifest(new BufferImageSource(bytes), 0, bytes.length);
  const got: ManifestEntry[] = [];
  for (let r = it.next(); ; r = it.next()) {
    if (r.done) return { header: r.value, entries: got };
    got.push(r.value);
  }
};

describe('the manifest as a stream', () => {
  it.each(['scm-archive-manifest/1', 'scm-archive-manifest/2'] as const)(
    'writes exactly the bytes of encodeManifest and reads back the same header and entries (%s)',
    (format) => {
      const h = header(format);
      const es = entries(40, format);
      const whole = encodeManifest({ ...h, entries: es } as Manifest);
      const bytes = streamed(h, es);
      expect(bytes.equals(whole)).toBe(true);
      const got = read(bytes);
      expect(got.entries).toEqual(es);
      expect(got.header).toEqual(h);
      expect(scanManifest(new BufferImageSource(bytes), 0, bytes.length)).toEqual({ header: h, entries: 40 });
    },
  );

  it('reads a manifest larger than its chunks, lines split across them, at an offset of a larger source', () => {
    const h = header();
    const es = entries(8000);
    const bytes = streamed(h, es);
    expect(bytes.length).toBeGreaterThan(2 * 1048576);
    const padded = Buffer.concat([Buffer.alloc(4096, 0x55), bytes, Buffer.alloc(100, 0x66)]);
    const chunks: number[] = [];
    const it = readManifest(new BufferImageSource(padded), 4096, bytes.length, (c) => chunks.push(c.length));
    let n = 0;
    for (let r = it.next(); !r.done; r = it.next()) expect(r.value).toEqual(es[n++]);
    expect(n).toBe(8000);
    expect(chunks.reduce((a, b) => a + b, 0)).toBe(bytes.length);
    expect(chunks.length).toBeGreaterThan(2);
  });

  it('gives the entries one directory at a time, each run in path order', () => {
    const es = entries(600);
    const bytes = streamed(header(), es);
    const runs = [...manifestDirectories(new BufferImageSource(bytes), 0, bytes.length)];
    expect(runs.flatMap((r) => r.entries)).toEqual(es);
    expect(new Set(runs.map((r) => r.directory)).size).toBe(runs.length);
    for (const r of runs) for (const e of r.entries) expect(e.path.startsWith(`${r.directory}/`)).toBe(true);
    expect(runs.every((r) => /^vsc\/[0-9a-f]{2}$/.test(r.directory))).toBe(true);
  });

  it('refuses what the decoder refuses: every byte changed alone, either way, the same verdict', () => {
    const bytes = streamed(header(), entries(3));
    let refused = 0;
    let taken = 0;
    for (let at = 0; at < bytes.length; at++)
      for (const by of [0x01, 0x20, 0x80]) {
        const c = Buffer.from(bytes);
        c[at] ^= by;
        let whole: unknown;
        try {
          decodeManifest(c);
        } catch (e) {
          whole = e;
        }
        let stream: unknown;
        try {
          read(c);
        } catch (e) {
          stream = e;
        }
        if (whole) expect(whole).toBeInstanceOf(DocumentError);
        if (stream) expect(stream).toBeInstanceOf(DocumentError);
        // A change the decoder takes (none should be) must be taken alike; else both refuse it.
        expect([!!whole, at, by]).toEqual([!!stream, at, by]);
        if (stream) refused++;
        else taken++;
      }
    // Most changes break the form; some (a digit of a size) make another valid manifest, which
    // only its signature tells apart.
    expect(refused).toBeGreaterThan(bytes.length * 2);
    expect(taken).toBeGreaterThan(0);
  });

  it('refuses a byte removed or added anywhere, a missing final newline, and lines without end', () => {
    const bytes = streamed(header(), entries(3));
    const verdict = (b: Buffer, what: (b: Buffer) => unknown): string => {
      try {
        what(b);
        return 'taken';
      } catch (e) {
        return e instanceof DocumentError ? 'refused' : `threw ${(e as Error).message}`;
      }
    };
    let refused = 0;
    for (let at = 0; at < bytes.length; at++) {
      const cut = Buffer.concat([bytes.subarray(0, at), bytes.subarray(at + 1)]);
      const extra = Buffer.concat([bytes.subarray(0, at), Buffer.from(' '), bytes.subarray(at)]);
      for (const b of [cut, extra]) {
        const v = verdict(b, read);
        expect([at, v]).toEqual([at, verdict(b, decodeManifest)]);
        if (v === 'refused') refused++;
      }
    }
    expect(refused).toBeGreaterThan(bytes.length * 1.5);
    expect(() => read(bytes.subarray(0, bytes.length - 1))).toThrow(/does not end with a newline/);
    const long = Buffer.concat([bytes.subarray(0, 200), Buffer.alloc(200_000, 0x61)]);
    expect(() => read(long)).toThrow(/longer than/);
  });

  it('refuses entries out of order, repeated, in the other layout, or of a format the header does not name', () => {
    const es = entries(3);
    const text = new ManifestEntriesText('scm-archive-manifest/2');
    text.append(es[1]);
    expect(() => text.append(es[0])).toThrow(/not sorted by path or repeat/);
    expect(() => text.append(es[1])).toThrow(/not sorted by path or repeat/);
    const flat = entries(1, 'scm-archive-manifest/1')[0];
    expect(() => new ManifestEntriesText('scm-archive-manifest/2').append(flat)).toThrow(/does not match its VSC id and version/);
    expect(() => new ManifestEntriesText('scm-archive-manifest/2').append({ ...es[0], size: 1 })).toThrow(/size/);
    // Entries of format /2 under a header that says /1.
    const lying = Buffer.from(
      manifestFrame(header('scm-archive-manifest/1')).prefix +
        es.map((e, i) => `${i ? ',\n' : ''}    ${JSON.stringify(Object.fromEntries(Object.entries(e).sort()))}`).join('') +
        manifestFrame(header('scm-archive-manifest/1')).suffix,
    );
    expect(() => decodeManifest(lying)).toThrow(DocumentError);
    expect(() => read(lying)).toThrow(/does not match its VSC id and version/);
  });

  it('refuses a header a manifest cannot have, and a manifest without entries', () => {
    expect(() => manifestFrame({ ...header(), volumeId: 'SCM_ARCHIVE_000003' })).toThrow(/volume id does not match/);
    expect(() => manifestFrame({ ...header(), previous: null })).toThrow(/only volume 1/);
    const { prefix, suffix } = manifestFrame(header());
    expect(() => read(Buffer.from(prefix + suffix))).toThrow(DocumentError);
    expect(() => read(encodeManifestWithout())).toThrow(/at least one VSC/);
  });
});

/** A manifest whose entries array is empty, written as the canonical form would write it. */
function encodeManifestWithout(): Buffer {
  const { prefix, suffix } = manifestFrame(header());
  return Buffer.from(
    `${prefix.slice(0, prefix.lastIndexOf('  "entries": ['))}  "entries": [],\n${suffix.slice(suffix.indexOf('  ],') + 5)}`,
  );
}
