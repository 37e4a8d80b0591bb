import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CERTIFICATES_PATH,
  HsmArchiveSigner,
  MANIFEST_PATH,
  SIGNATURE_PATH,
  certifyArchiveKey,
  mapImage,
  readIso,
  sealVolume,
  verifyVolume,
  type VerifyOptions,
} from '@scm/archive';
import { appendAudit, chainPending, signCheckpoint, type Queryable } from '@scm/audit';
import { HsmCertificateAuthority } from '@scm/ca';
import { HsmContext } from '@scm/hsm';
import { HsmKeyProtector } from '@scm/vsc';
import { appDb } from '@scm/test-kit';
import type { Client } from 'pg';
import { PgCaStore, pgClientRunner } from '@scm/ca';
import { MemoryArchiveSource, sampleMaterial, sampleVsc } from '../../libs/archive/src/testing/fixtures';
import { testHsmSettings } from '../hsm/support/settings';

const LONG = process.env.SCM_LONG_TESTS === '1';

/** A small deterministic generator (xorshift32), so a failing position can be replayed. */
function positions(seed: number, n: number, max: number): number[] {
  let x = seed >>> 0 || 1;
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out.push((x >>> 0) % max);
  }
  return out;
}

/**
 * Invariant 6: a sealed volume never changes unnoticed. A volume sealed with the HSM's archive key
 * (certified by the test CA) and an audit checkpoint of the test database; then, on in-memory
 * copies, every byte of the manifest, of its signature and of the sidecar, and a few hundred
 * positions across the image, each changed alone: verification fails every time and names the
 * place the byte is in. SCM_LONG_TESTS=1 changes every byte of the image.
 */
describe('archive tamper sweep: any changed byte is detected and located', () => {
  let hsm: HsmContext;
  let db: Client;
  const dir = mkdtempSync(join(tmpdir(), 'scm-archive-tamper-'));
  let image: Buffer;
  let sidecar: Buffer;
  let root: Buffer;
  /** The place each byte of the pristine image belongs to, as verification names it. */
  let placeOf: (offset: number) => string;
  let files: Map<string, { offset: number; size: number }>;
  const cache = new Map<string, string | null>();

  const flipped = (b: Buffer, at: number, by: number): Buffer => {
    const c = Buffer.from(b);
    c[at] ^= by;
    return c;
  };
  const detectOne = (img: Buffer, opts: VerifyOptions): { ok: boolean; changed: string[] } => {
    const r = verifyVolume(img, { formatCache: cache, ...opts });
    return { ok: r.ok, changed: r.changed.map((c) => c.name) };
  };

  beforeAll(async () => {
    hsm = HsmContext.open(testHsmSettings());
    db = await appDb();
    const q: Queryable = { query: async (sql, params) => (await db.query(sql, params as unknown[])).rows };
    const store = new PgCaStore(() => pgClientRunner(db));
    const ca = await HsmCertificateAuthority.open(hsm, store, 'scm-issuing', { publicBaseUrl: 'http://127.0.0.1:7400' });
    const cert = await certifyArchiveKey(hsm, ca, 'SCM Test');
    root = cert.certificates[cert.certificates.length - 1];
    const signer = await HsmArchiveSigner.open(hsm, cert.certificates);
    const checkpointKey = await hsm.getSigningKey({ label: 'scm-audit-checkpoint', version: 1 }, 'P-256');
    // A chain head to anchor the volume to: one properly chained event (the chain may be empty in a fresh database).
    await db.query('BEGIN');
    await appendAudit(q, [{ actor: 'test:archive-tamper', action: 'test.archive-tamper', outcome: 'success' }], new Date());
    // Events go in unchained; the API's sequencer chains them, here done at once.
    await chainPending(q);
    await db.query('COMMIT');
    const source = new MemoryArchiveSource();
    const material = await sampleMaterial();
    const protector = new HsmKeyProtector(hsm);
    for (let i = 0; i < 3; i++) source.add(await sampleVsc(material, protector, `TAMPER${i}`));
    const r = await sealVolume(
      {
        source,
        signer,
        now: () => new Date(),
        checkpoint: async () =>
          (await signCheckpoint(
            q,
            {
              keyLabel: 'scm-audit-checkpoint/1',
              algorithm: 'ECDSA-SHA256',
              publicKey: async () => checkpointKey.spki,
              sign: (d) => checkpointKey.sign(d, { dsaEncoding: 'ieee-p1363' }),
            },
            new Date(),
            true,
          ))!,
      },
      { outDir: dir },
    );
    if (!r.sealed) throw new Error(r.message);
    image = readFileSync(r.volume.imagePath);
    sidecar = readFileSync(r.volume.sidecarPath);
    const iso = readIso(image);
    files = new Map(iso.files.map((f) => [f.path, { offset: f.lba * 2048, size: f.size }]));
    const regions = mapImage(image, iso, {
      [MANIFEST_PATH]: 'manifest',
      [SIGNATURE_PATH]: 'signature',
      [CERTIFICATES_PATH]: 'certificates',
    });
    placeOf = (off) => {
      const rg = regions.find((x) => off >= x.offset && off < x.offset + x.length)!;
      if (rg.kind === 'file' && off - rg.offset >= files.get(rg.path!)!.size) return `padding after ${rg.path}`;
      return rg.name;
    };
  });
  afterAll(async () => {
    hsm.close();
    await db.end();
    rmSync(dir, { recursive: true, force: true });
  });

  it('the pristine volume verifies, its signer chaining to the test root', () => {
    const r = verifyVolume(image, { sidecar, issuerCertificates: [root] });
    expect(r.findings.filter((f) => !f.ok)).toEqual([]);
    expect(r.signer?.trust).toBe('chain');
  });

  it('every byte of the manifest, changed alone, is detected and named as the manifest', () => {
    const m = files.get(MANIFEST_PATH)!;
    const missed: number[] = [];
    for (let i = 0; i < m.size; i++) {
      const r = detectOne(flipped(image, m.offset + i, 0x01 << (i % 8)), { sidecar });
      if (r.ok || !r.changed.includes(MANIFEST_PATH)) missed.push(i);
    }
    expect(m.size).toBeGreaterThan(1000);
    expect(missed).toEqual([]);
  });

  it('every byte of the manifest signature, changed alone, is detected and named as the signature', () => {
    const s = files.get(SIGNATURE_PATH)!;
    const missed: number[] = [];
    for (let i = 0; i < s.size; i++) {
      const r = detectOne(flipped(image, s.offset + i, 0x80 >> (i % 8)), { sidecar });
      if (r.ok || !r.changed.includes(SIGNATURE_PATH)) missed.push(i);
    }
    expect(s.size).toBeGreaterThanOrEqual(70);
    expect(missed).toEqual([]);
  });

  it('every byte of the sidecar, changed alone, is detected and named as the sidecar', () => {
    const missed: number[] = [];
    for (let i = 0; i < sidecar.length; i++) {
      const r = detectOne(image, { sidecar: flipped(sidecar, i, 0x01 << (i % 7)) });
      if (r.ok || !r.changed.includes('the sidecar')) missed.push(i);
    }
    expect(missed).toEqual([]);
  });

  it(`${LONG ? 'every byte' : '300 positions'} across the image, changed alone, each detected and named by the place it hits`, () => {
    const at = LONG ? Array.from({ length: image.length }, (_, i) => i) : positions(0x5c4d_a4c1, 300, image.length);
    const wrong: Array<{ offset: number; expected: string; changed: string[] }> = [];
    const kinds = new Set<string>();
    for (const [n, off] of at.entries()) {
      const r = detectOne(flipped(image, off, 1 + (n % 255)), { sidecar });
      const expected = placeOf(off);
      kinds.add(expected.startsWith('vsc/') ? 'vsc file' : expected);
      if (r.ok || !r.changed.includes(expected)) wrong.push({ offset: off, expected, changed: r.changed });
    }
    expect(wrong).toEqual([]);
    // The sample hits VSC files, ISO structures and padding alike.
    expect([...kinds]).toEqual(expect.arrayContaining(['vsc file', 'system area', 'padding (unused sectors)']));
  });

  it('a truncated or extended image is detected', () => {
    expect(verifyVolume(image.subarray(0, image.length - 2048), { sidecar }).ok).toBe(false);
    expect(verifyVolume(Buffer.concat([image, Buffer.alloc(2048)]), { sidecar }).ok).toBe(false);
    expect(verifyVolume(image, {}).ok).toBe(false);
  });
});
