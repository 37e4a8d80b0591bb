import fc from 'fast-check';
import { fromHex } from '@scm/apdu';
import { SoftPivBackend } from '../backend/soft-piv-backend';
import { PivCard } from './piv-card';

/** Commands the real clients send; mutated below to look for answers that are not a status word. */
const SEEDS = [
  '00 A4 04 00 09 A0 00 00 03 08 00 00 10 00 00',
  '00 CB 3F FF 05 5C 03 5F C1 05 00',
  '00 DB 3F FF 09 5C 03 5F C1 02 53 02 01 02',
  '00 20 00 80 08 31 32 33 34 35 36 FF FF',
  '00 87 03 9B 04 7C 02 80 00',
  '00 87 11 9C 26 7C 24 82 00 81 20 00 01 02 03 04 05 06 07 08 09 0A 0B 0C 0D 0E 0F 10 11 12 13 14 15 16 17 18 19 1A 1B 1C 1D 1E 1F 00',
  '00 47 00 9E 05 AC 03 80 01 11',
  '00 FE 11 9A 22 06 20 01 02 03 04 05 06 07 08 09 0A 0B 0C 0D 0E 0F 10 11 12 13 14 15 16 17 18 19 1A 1B 1C 1D 1E 1F 20',
  '00 F7 00 9A 00',
  '10 DB 3F FF 05 5C 03 5F C1 05',
  '00 C0 00 00 00',
].map(fromHex);

const command = fc.oneof(
  fc.uint8Array({ maxLength: 300 }),
  fc
    .tuple(fc.constantFrom(...SEEDS), fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 4 }), fc.nat(40))
    .map(([seed, flips, cut]) => {
      const b = Uint8Array.from(seed);
      for (const [at, v] of flips) b[at % b.length] = v;
      return cut > 35 ? b.subarray(0, b.length - (cut - 35)) : b;
    }),
);

describe('PivCard under random and mutated commands', () => {
  // One backend for every run: making a blank card costs two PIN hashes.
  const backend = new SoftPivBackend({ serial: 1 });

  it('always answers with a status word and never fails inside', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(command, { minLength: 1, maxLength: 12 }), async (cmds) => {
        const failures: unknown[] = [];
        const card = new PivCard(backend, { onError: (e) => failures.push(e) });
        for (const c of cmds) {
          const r = await card.transmit(c);
          expect(r.length).toBeGreaterThanOrEqual(2);
          expect(r.length).toBeLessThanOrEqual(258);
          const sw1 = r[r.length - 2];
          expect([0x90, 0x61, 0x63, 0x67, 0x68, 0x69, 0x6a, 0x6d, 0x6e]).toContain(sw1);
          if (sw1 !== 0x90 && sw1 !== 0x61) expect(r.length).toBe(2);
        }
        expect(failures).toEqual([]);
      }),
      { numRuns: 300 },
    );
  }, 60000);
});
