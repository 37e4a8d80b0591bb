import { VscError, VscErrorCode } from '../vsc-errors';
import { VirtualSmartCard } from '../control/virtual-smart-card';
import { sealContent } from '../crypto/sealer';
import { seededRandom } from '../crypto/random';
import { buildVector1 } from '../testing/test-vector';
import { testDeps, vectorProtector } from '../testing/fixtures';
import { parseVscFile } from './file.codec';

async function rejection(bytes: Uint8Array): Promise<VscError> {
  try {
    await VirtualSmartCard.check(bytes, testDeps());
  } catch (e) {
    if (e instanceof VscError && e.isRejection) return e;
    throw new Error(`not a rejection: ${(e as Error).message}`);
  }
  throw new Error('accepted');
}

/** Invariant 4: a file that fails its consistency check is rejected whole, with an error saying what failed. */
describe('consistency check of a sealed VSC file', () => {
  let file: Buffer;
  let content: Buffer;

  beforeAll(async () => {
    ({ file, content } = await buildVector1());
  });

  it('accepts the untouched standalone and content files', async () => {
    await expect(VirtualSmartCard.check(file, testDeps())).resolves.toMatchObject({ type: 'standalone' });
    await expect(VirtualSmartCard.check(content, testDeps())).resolves.toMatchObject({ type: 'content' });
  });

  it.each([
    ['standalone', () => file],
    ['content', () => content],
  ])('rejects every single flipped byte of the %s file', async (_name, get) => {
    const bytes = get();
    const codes = new Map<string, number>();
    for (let i = 0; i < bytes.length; i++) {
      for (const mask of [0x01, 0x80]) {
        const t = Buffer.from(bytes);
        t[i] ^= mask;
        const e = await rejection(t);
        codes.set(e.code, (codes.get(e.code) ?? 0) + 1);
      }
    }
    // Both layers take part: the structural check and the HSM-keyed tags.
    expect(codes.get(VscErrorCode.SealTag) ?? 0).toBeGreaterThan(0);
    expect(codes.get(VscErrorCode.Magic)).toBe(16 * (_name === 'standalone' ? 2 : 1));
  });

  it('rejects every truncation and any extension', async () => {
    for (let n = 0; n < file.length; n++) {
      const e = await rejection(file.subarray(0, n));
      expect([VscErrorCode.Length, VscErrorCode.Magic, VscErrorCode.Structure]).toContain(e.code);
    }
    for (const extra of [Buffer.of(0), Buffer.alloc(100, 0xaa), Buffer.from(file)]) {
      const e = await rejection(Buffer.concat([file, extra]));
      expect(e.code).toBe(VscErrorCode.Length);
      expect(e.message).toMatch(/after its declared end/);
    }
  });

  it('says what failed and where', async () => {
    const t = Buffer.from(file);
    t[0] = 0x00;
    expect((await rejection(t)).message).toMatch(/^VSC rejected: not a VSC file/);
    const v = Buffer.from(file);
    v[9] = 3;
    expect((await rejection(v)).message).toMatch(/format version 3 is not supported/);
    const last = Buffer.from(file);
    last[last.length - 1] ^= 1;
    expect((await rejection(last)).message).toMatch(/state section does not verify/);
  });

  it('catches a changed area by its GCM tag even when the seal is recomputed with the KEK', async () => {
    // An attacker with the HSM's KEK but not the content key: the area tags still fail.
    const parsed = parseVscFile(content).content;
    const ct = Buffer.from(parsed.areas.private.ciphertext);
    ct[0] ^= 1;
    const tampered = Buffer.from(content);
    tampered.set(ct, content.indexOf(parsed.areas.private.ciphertext));
    const body = tampered.subarray(0, parsed.seal.input.length);
    const mac = await vectorProtector().mac(parsed.header.keys.kek, 'seal', body);
    tampered.set(mac, tampered.length - 32);
    const e = await rejection(tampered);
    expect(e.code).toBe(VscErrorCode.AreaTag);
    expect(e.message).toMatch(/private area's authentication tag/);
  });

  it('encodes the same content to the same bytes apart from nonces', async () => {
    const vsc = await VirtualSmartCard.load(content, testDeps());
    await vsc.openWithRecovery();
    const reseal = async (seed: string): Promise<Buffer> => {
      const { kdf: _kdf, ...header } = parseVscFile(content).content.header;
      const objects = vsc.listObjects();
      // Reach the open areas through the public API: seal a copy with another random stream.
      return sealContent(
        {
          content: { header, objects, privateKeys: [], password: {} },
          cek: Buffer.alloc(32, 7),
          pinSlots: [],
        },
        { protector: vectorProtector(seed), random: seededRandom(seed) },
      );
    };
    const a1 = await reseal('a');
    const a2 = await reseal('a');
    const b = await reseal('b');
    expect(a1.equals(a2)).toBe(true);
    expect(b.length).toBe(a1.length);
    const pa = parseVscFile(a1).content;
    const pb = parseVscFile(b).content;
    expect(pa.headerBytes.equals(pb.headerBytes)).toBe(true);
    expect(pa.objects).toEqual(pb.objects);
    // Differences only inside the encrypted areas, key slots and seal (nonces and what depends on them).
    const firstDiff = a1.findIndex((x, i) => x !== b[i]);
    expect(firstDiff).toBeGreaterThan(content.indexOf(Buffer.from('Mike Hamann')));
  });
});
