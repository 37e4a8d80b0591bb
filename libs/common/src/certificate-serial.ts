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
