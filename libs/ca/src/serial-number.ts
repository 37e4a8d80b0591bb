export { randomSerial } from '@scm/common';

/** Normalises a serial given by a user or another system (hex, any case, optional colons/leading zeros). */
export function normaliseSerial(serial: string): string {
  const hex = serial
    .replace(/[:\s]/g, '')
    .toLowerCase()
    .replace(/^(00)+(?=[0-9a-f]{2})/, '');
  if (!/^[0-9a-f]+$/.test(hex)) return '';
  return hex.length % 2 ? `0${hex}` : hex;
}
