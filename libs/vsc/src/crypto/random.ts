import { createHash, randomBytes } from 'node:crypto';

/** The randomness port: nonces, salts, content keys, UUIDs. Injected so test vectors are reproducible. */
export interface RandomSource {
  bytes(n: number): Buffer;
}

export const systemRandom: RandomSource = { bytes: (n) => randomBytes(n) };

/**
 * A deterministic stream (SHA-256 in counter mode over a seed) for tests and test vectors only:
 * the same seed gives the same nonces and keys, so a sealed file is reproducible byte for byte.
 */
export function seededRandom(seed: string): RandomSource {
  let counter = 0;
  return {
    bytes(n: number): Buffer {
      const out: Buffer[] = [];
      let have = 0;
      while (have < n) {
        const c = Buffer.alloc(4);
        c.writeUInt32BE(counter++);
        const block = createHash('sha256').update(seed).update(c).digest();
        out.push(block);
        have += block.length;
      }
      return Buffer.concat(out).subarray(0, n);
    },
  };
}

/** A random (version 4) UUID from the randomness port. */
export function randomUuid(random: RandomSource): string {
  const b = random.bytes(16);
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  const h = b.toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}
