import { ApduFormatError } from './apdu-errors';

/** What an ATR says about the card (ISO 7816-3 structure, ISO 7816-4 historical bytes). */
export interface AtrInfo {
  /** Protocols announced in TD bytes (T=0 when there is none). */
  protocols: number[];
  historical: Uint8Array;
  /** Compact-TLV historical bytes (category 80), tag -> value. */
  compact: Map<number, Uint8Array>;
  /** Card capabilities (compact tag 7, third byte): command chaining and extended Lc/Le. */
  chaining: boolean;
  extendedLength: boolean;
}

/** Parses an ATR strictly enough to find protocols and historical bytes; malformed is an ApduFormatError. */
export function parseAtr(atr: Uint8Array): AtrInfo {
  if (atr.length < 2) throw new ApduFormatError(`an ATR needs at least 2 bytes, got ${atr.length}`);
  if (atr[0] !== 0x3b && atr[0] !== 0x3f) throw new ApduFormatError(`ATR TS byte ${atr[0].toString(16)} is neither 3B nor 3F`);
  const t0 = atr[1];
  const k = t0 & 0x0f;
  let y = t0 >> 4;
  let i = 2;
  const protocols: number[] = [];
  for (let round = 0; round < 16; round++) {
    for (const bit of [0x1, 0x2, 0x4]) if (y & bit) i++; // TA, TB, TC
    if (!(y & 0x8)) break;
    if (i >= atr.length) throw new ApduFormatError('ATR interface bytes truncated');
    const td = atr[i++];
    if (!protocols.includes(td & 0x0f)) protocols.push(td & 0x0f);
    y = td >> 4;
  }
  if (i + k > atr.length) throw new ApduFormatError('ATR historical bytes truncated');
  const historical = atr.slice(i, i + k);
  if (protocols.length === 0) protocols.push(0);
  const compact = new Map<number, Uint8Array>();
  if (historical[0] === 0x80) {
    let j = 1;
    while (j < historical.length) {
      const tag = historical[j] >> 4;
      const len = historical[j] & 0x0f;
      if (j + 1 + len > historical.length) break; // a status indicator or junk at the end: stop here
      compact.set(tag, historical.slice(j + 1, j + 1 + len));
      j += 1 + len;
    }
  }
  const caps = compact.get(7);
  const third = caps && caps.length >= 3 ? caps[2] : 0;
  return { protocols, historical, compact, chaining: (third & 0x80) !== 0, extendedLength: (third & 0x40) !== 0 };
}
