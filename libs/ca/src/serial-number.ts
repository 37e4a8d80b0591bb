import { randomBytes } from 'node:crypto';

/**
 * A certificate serial number: 16 random bytes, positive (top bit clear) and without a leading
 * zero byte, so the DER INTEGER is always 16 bytes. Lower-case hex.
 */
export function randomSerial(): string {
  const b = randomBytes(16);
  b[0] &= 0x7f;
  if (b[0] === 0) b[0] = 0x01;
  return b.toString('hex');
}

/** Normalises a serial given by a user or another system (hex, any case, optional colons/leading zeros). */
export function normaliseSerial(serial: string): string {
  const hex = serial
    .replace(/[:\s]/g, '')
    .toLowerCase()
    .replace(/^(00)+(?=[0-9a-f]{2})/, '');
  if (!/^[0-9a-f]+$/.test(hex)) return '';
  return hex.length % 2 ? `0${hex}` : hex;
}
