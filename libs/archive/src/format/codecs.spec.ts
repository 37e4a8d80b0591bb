import { generateKeyPairSync, sign } from 'node:crypto';
import { decodeDocument, encodeDocument } from './document';
import { decodeManifest, encodeManifest, type Manifest } from './manifest.codec';
import { decodeSidecar, encodeSidecar, sidecarSignedBytes, type Sidecar } from './sidecar.codec';
import { isStrictDerEcdsa } from './signatures';

const H = (c: string) => c.repeat(64);

function manifest(): Manifest {
  return {
    format: 'scm-archive-manifest/1',
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
    entries: [
      {
        path: 'vsc/00000000-0000-4000-8000-000000000001-v1.vsc',
        vscId: '00000000-0000-4000-8000-000000000001',
        version: 1,
        cardSerial: '00001079',
        sha256: H('e'),
        size: 900,
        kek: 'scm-vsc-kek/1',
        recoveryKey: 'scm-recovery/1',
      },
      {
        path: 'vsc/00000000-0000-4000-8000-000000000002-v3.vsc',
        vscId: '00000000-0000-4000-8000-000000000002',
        version: 3,
        cardSerial: null,
        sha256: H('f'),
        size: 950,
        kek: 'scm-vsc-kek/1',
        recoveryKey: 'scm-recovery/1',
      },
    ],
  };
}

describe('archive document codecs', () => {
  it('reads volumes of both manifest formats, each with its own layout: /1 every VSC in vsc/, /2 in vsc/<two characters>/', () => {
    // A volume written before format /2 still reads.
    expect(decodeManifest(encodeManifest(manifest())).format).toBe('scm-archive-manifest/1');
    const nested = (m: Manifest): Manifest => ({
      ...m,
      entries: m.entries.map((e) => ({ ...e, path: `vsc/${e.vscId.slice(0, 2)}/${e.vscId}-v${e.version}.vsc` })),
    });
    const v2: Manifest = nested({ ...manifest(), format: 'scm-archive-manifest/2' });
    expect(decodeManifest(encodeManifest(v2))).toEqual(v2);
    // Each format holds its entries to its own layout.
    expect(() => encodeManifest({ ...manifest(), format: 'scm-archive-manifest/2' })).toThrow(/does not match its VSC id and version/);
    expect(() => encodeManifest(nested(manifest()))).toThrow(/does not match its VSC id and version/);
    expect(() => encodeManifest({ ...v2, format: 'scm-archive-manifest/3' as Manifest['format'] })).toThrow(/format/);
  });

  it('writes one canonical form (sorted keys, entries one per line) and reads only that form back', () => {
    const bytes = encodeManifest(manifest());
    expect(decodeManifest(bytes)).toEqual(manifest());
    const text = bytes.toString();
    expect(text.split('\n').filter((l) => l.includes('"path":"vsc/'))).toHaveLength(2);
    expect(text.endsWith('}\n')).toBe(true);
    // Same values, another layout: refused, with the offset of the first difference.
    const relaid = Buffer.from(text.replace('  "format"', ' "format"'));
    expect(() => decodeManifest(relaid)).toThrow(/not in its canonical form \(first difference at byte \d+\)/);
    expect(() => decodeDocument(Buffer.from('{"b":1,"a":2}\n'), new Set(), 'x')).toThrow(/canonical/);
    expect(decodeDocument(encodeDocument({ b: 1, a: [1, 'x'] }), new Set(), 'x')).toEqual({ a: [1, 'x'], b: 1 });
    expect(() => encodeDocument({ a: 1.5 })).toThrow(/safe integers/);
  });

  it('refuses manifests whose fields disagree', () => {
    const bad = (f: (m: Manifest) => void, why: RegExp) => {
      const m = manifest();
      f(m);
      expect(() => encodeManifest(m)).toThrow(why);
    };
    bad((m) => (m.volumeId = 'SCM_ARCHIVE_000003'), /volume id/);
    bad((m) => (m.previous = null), /only volume 1/);
    bad((m) => (m.previous = { volume: 5, imageSha256: H('a') }), /must follow volume 1/);
    bad((m) => m.entries.reverse(), /sorted/);
    bad((m) => (m.entries[0].version = 2), /does not match its VSC id and version/);
    bad((m) => (m.entries = []), /at least one VSC/);
    bad((m) => (m.entries[0].sha256 = 'AB'), /not in the expected form/);
    bad((m) => ((m as unknown as Record<string, unknown>).extra = 1), /unknown field/);
  });

  it('signs the sidecar over its bytes without the signature, and checks its map', () => {
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const unsigned: Omit<Sidecar, 'signature'> = {
      format: 'scm-archive-sidecar/1',
      volume: 1,
      createdAt: '2026-01-02T03:04:05.678Z',
      image: { name: 'scm-archive-000001.iso', size: 8192, sha256: H('1') },
      manifestSha256: H('2'),
      previousImageSha256: null,
      regions: [
        { offset: 0, length: 4096, kind: 'padding', name: 'system area', sha256: H('3') },
        { offset: 6144, length: 2048, kind: 'manifest', name: 'MANIFEST.JSON', sha256: H('4') },
      ],
      signer: { keyLabel: 'scm-archive/1', algorithm: 'ECDSA-SHA256', certificate: 'AAAA' },
    };
    const signature = sign('sha256', sidecarSignedBytes(unsigned), privateKey).toString('hex');
    const bytes = encodeSidecar({ ...unsigned, signature });
    const back = decodeSidecar(bytes);
    expect(back.signature).toBe(signature);
    expect(sidecarSignedBytes(back).equals(sidecarSignedBytes(unsigned))).toBe(true);
    expect(() => encodeSidecar({ ...unsigned, signature, regions: [...unsigned.regions].reverse() })).toThrow(/overlaps|out of order/);
    expect(() => encodeSidecar({ ...unsigned, signature, regions: [{ ...unsigned.regions[0], length: 10240 }] })).toThrow(/past the end/);
    expect(() => encodeSidecar({ ...unsigned, signature, regions: [{ ...unsigned.regions[0], offset: 100 }] })).toThrow(/sector-aligned/);
  });

  it('accepts ECDSA signatures in strict DER only', () => {
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    for (let i = 0; i < 50; i++) expect(isStrictDerEcdsa(sign('sha256', Buffer.of(i), privateKey))).toBe(true);
    const good = sign('sha256', Buffer.from('x'), privateKey);
    expect(isStrictDerEcdsa(Buffer.concat([good, Buffer.of(0)]))).toBe(false);
    // Long-form length where the short form fits, and an INTEGER with a needless leading zero.
    expect(isStrictDerEcdsa(Buffer.concat([Buffer.of(0x30, 0x81, good[1]), good.subarray(2)]))).toBe(false);
    expect(isStrictDerEcdsa(Buffer.from('3008020200010202000101', 'hex'))).toBe(false);
    expect(isStrictDerEcdsa(Buffer.from('300602010102010180', 'hex'))).toBe(false);
    expect(isStrictDerEcdsa(Buffer.from('3006020101020101', 'hex'))).toBe(true);
  });
});
