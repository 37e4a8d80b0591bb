import { VscError, VscErrorCode } from '../vsc-errors';

/** PINs, passwords and PUKs of a VSC: 6 to 8 printable ASCII characters, as a PIV card takes them. */
export const PIN_RULES = { min: 6, max: 8 } as const;

/** The 8-byte form VERIFY carries (ASCII padded with FF): the secret the KDF and verifier see. */
export function padPin(pin: string, what = 'PIN'): Buffer {
  if (pin.length < PIN_RULES.min || pin.length > PIN_RULES.max || !/^[\x20-\x7e]+$/.test(pin)) {
    throw new VscError(VscErrorCode.BadPin, `a ${what} is ${PIN_RULES.min} to ${PIN_RULES.max} printable ASCII characters`);
  }
  return Buffer.concat([Buffer.from(pin, 'latin1'), Buffer.alloc(8 - pin.length, 0xff)]);
}

/** Accepts a PIN as text or in its padded 8-byte form; returns a fresh padded buffer (the caller wipes it). */
export function toPadded(pin: string | Uint8Array, what = 'PIN'): Buffer {
  if (typeof pin === 'string') return padPin(pin, what);
  if (pin.length !== 8) throw new VscError(VscErrorCode.BadPin, `a padded ${what} is 8 bytes`);
  return Buffer.from(pin);
}

/** True when a padded value is a valid new PIN (6..8 printable characters, then only FF). */
export function isValidPadded(p: Uint8Array): boolean {
  if (p.length !== 8) return false;
  let n = 0;
  while (n < 8 && p[n] !== 0xff) n++;
  for (let i = n; i < 8; i++) if (p[i] !== 0xff) return false;
  if (n < PIN_RULES.min) return false;
  for (let i = 0; i < n; i++) if (p[i] < 0x20 || p[i] > 0x7e) return false;
  return true;
}
