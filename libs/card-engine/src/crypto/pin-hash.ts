import { randomBytes, scrypt, scryptSync, timingSafeEqual } from 'node:crypto';

/** Cheap on purpose: a PIN has few values, so the hash only keeps it out of plain sight in a state file. */
const PARAMS = { N: 4096, r: 8, p: 1 } as const;
const LENGTH = 32;

export interface PinHash {
  readonly salt: Uint8Array;
  readonly hash: Uint8Array;
}

/** Hashes a padded PIN/PUK value with a fresh salt (synchronous: used when a blank card is made). */
export function hashPinSync(value: Uint8Array): PinHash {
  const salt = randomBytes(16);
  return { salt, hash: scryptSync(value, salt, LENGTH, PARAMS) };
}

/** Hashes a padded PIN/PUK value with a fresh salt. */
export async function hashPin(value: Uint8Array): Promise<PinHash> {
  const salt = randomBytes(16);
  return { salt, hash: await scryptAsync(value, salt) };
}

/** Checks a padded PIN/PUK value against its hash in constant time. */
export async function pinMatches(value: Uint8Array, stored: PinHash): Promise<boolean> {
  const h = await scryptAsync(value, stored.salt);
  return h.length === stored.hash.length && timingSafeEqual(h, stored.hash);
}

function scryptAsync(value: Uint8Array, salt: Uint8Array): Promise<Buffer> {
  return new Promise((resolve, reject) => scrypt(value, salt, LENGTH, PARAMS, (e, k) => (e ? reject(e) : resolve(k))));
}

/** The 8-byte form VERIFY carries: ASCII padded with FF. */
export function padPin(pin: string): Uint8Array {
  const raw = Buffer.from(pin, 'latin1');
  if (raw.length > 8) throw new RangeError('PIN longer than 8 bytes');
  return Buffer.concat([raw, Buffer.alloc(8 - raw.length, 0xff)]);
}
