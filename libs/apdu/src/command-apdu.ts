import { ApduFormatError } from './apdu-errors';
import { checkByte, concatBytes, toHex } from './bytes';

/** The largest Nc and Ne (short: 255 / 256; extended: 65535 / 65536). */
export const APDU_LIMITS = { shortNc: 255, shortNe: 256, extendedNc: 65535, extendedNe: 65536 } as const;

export interface CommandApduInit {
  cla: number;
  ins: number;
  p1: number;
  p2: number;
  /** Command data (Nc = its length); empty or absent for cases 1 and 2. */
  data?: Uint8Array;
  /**
   * Ne, the number of response bytes expected: 1..256 short, 1..65536 extended. Absent: no Le
   * field (cases 1 and 3). A short Le byte 00 decodes as 256, an extended 00 00 as 65536.
   */
  ne?: number;
  /** true: always extended; false: never (an error if Nc > 255 or Ne > 256); absent: only when needed. */
  extended?: boolean;
}

/**
 * A command APDU (ISO 7816-4), validated on construction: header bytes, Nc, Ne, and the short or
 * extended form. Immutable; `data` returns a copy.
 */
export class CommandApdu {
  readonly cla: number;
  readonly ins: number;
  readonly p1: number;
  readonly p2: number;
  readonly ne: number | undefined;
  readonly extended: boolean;
  private readonly body: Uint8Array;

  constructor(init: CommandApduInit) {
    this.cla = checkByte(init.cla, 'CLA');
    this.ins = checkByte(init.ins, 'INS');
    this.p1 = checkByte(init.p1, 'P1');
    this.p2 = checkByte(init.p2, 'P2');
    const data = init.data ?? new Uint8Array(0);
    if (!(data instanceof Uint8Array)) throw new ApduFormatError('command data must be a Uint8Array');
    if (data.length > APDU_LIMITS.extendedNc)
      throw new ApduFormatError(`command data of ${data.length} bytes exceeds ${APDU_LIMITS.extendedNc}`, { nc: data.length });
    const ne = init.ne;
    if (ne !== undefined && (!Number.isInteger(ne) || ne < 1 || ne > APDU_LIMITS.extendedNe))
      throw new ApduFormatError(`Ne must be 1..${APDU_LIMITS.extendedNe}, got ${ne}`, { ne });
    const needsExtended = data.length > APDU_LIMITS.shortNc || (ne !== undefined && ne > APDU_LIMITS.shortNe);
    if (init.extended === false && needsExtended)
      throw new ApduFormatError(`Nc=${data.length}/Ne=${ne ?? 0} need an extended APDU, which was ruled out`, { nc: data.length, ne });
    this.extended = init.extended ?? needsExtended;
    this.body = Uint8Array.from(data);
    this.ne = ne;
  }

  /** Shorthand: `CommandApdu.of(0x00, 0xa4, 0x04, 0x00, aid, 256)`. */
  static of(cla: number, ins: number, p1: number, p2: number, data?: Uint8Array, ne?: number): CommandApdu {
    return new CommandApdu({ cla, ins, p1, p2, data, ne });
  }

  /**
   * Strict parse of a whole C-APDU: case 1 (4 bytes), short cases 2/3/4 and extended cases 2/3/4.
   * Data commands without Le (as yubico-piv-tool 2.2.0 sends them) are case 3. Anything left over
   * or missing is an error.
   */
  static parse(bytes: Uint8Array): CommandApdu {
    const n = bytes.length;
    if (n < 4) throw new ApduFormatError(`a command APDU needs at least 4 bytes, got ${n}`, { length: n });
    const [cla, ins, p1, p2] = bytes;
    if (n === 4) return new CommandApdu({ cla, ins, p1, p2 });
    const b4 = bytes[4];
    if (n === 5) return new CommandApdu({ cla, ins, p1, p2, ne: b4 === 0 ? 256 : b4, extended: false });
    if (b4 !== 0) {
      const data = bytes.subarray(5, 5 + b4);
      if (n === 5 + b4) return new CommandApdu({ cla, ins, p1, p2, data, extended: false });
      if (n === 6 + b4) {
        const le = bytes[5 + b4];
        return new CommandApdu({ cla, ins, p1, p2, data, ne: le === 0 ? 256 : le, extended: false });
      }
      throw new ApduFormatError(`short APDU with Lc=${b4} must be ${5 + b4} or ${6 + b4} bytes long, got ${n}`, { lc: b4, length: n });
    }
    // b4 = 00 with more bytes: the extended forms.
    if (n < 7) throw new ApduFormatError(`extended APDU truncated: ${n} bytes`, { length: n });
    const x = (bytes[5] << 8) | bytes[6];
    if (n === 7) return new CommandApdu({ cla, ins, p1, p2, ne: x === 0 ? 65536 : x, extended: true });
    if (x === 0) throw new ApduFormatError('extended APDU with Lc=0000 and more bytes', { length: n });
    const data = bytes.subarray(7, 7 + x);
    if (n === 7 + x) return new CommandApdu({ cla, ins, p1, p2, data, extended: true });
    if (n === 9 + x) {
      const le = (bytes[7 + x] << 8) | bytes[8 + x];
      return new CommandApdu({ cla, ins, p1, p2, data, ne: le === 0 ? 65536 : le, extended: true });
    }
    throw new ApduFormatError(`extended APDU with Lc=${x} must be ${7 + x} or ${9 + x} bytes long, got ${n}`, { lc: x, length: n });
  }

  get data(): Uint8Array {
    return Uint8Array.from(this.body);
  }

  /** Nc, the length of the command data. */
  get nc(): number {
    return this.body.length;
  }

  /** ISO 7816-3 case: 1 no data no Le, 2 Le only, 3 data only, 4 data and Le. */
  get case(): 1 | 2 | 3 | 4 {
    const hasData = this.body.length > 0;
    const hasLe = this.ne !== undefined;
    return hasData ? (hasLe ? 4 : 3) : hasLe ? 2 : 1;
  }

  /** True when CLA has the command-chaining bit (0x10) of the interindustry classes. */
  get chained(): boolean {
    return (this.cla & 0x80) === 0 && (this.cla & 0x10) !== 0;
  }

  /** A copy with some fields changed (validated again). */
  with(changes: Partial<CommandApduInit>): CommandApdu {
    return new CommandApdu({
      cla: this.cla,
      ins: this.ins,
      p1: this.p1,
      p2: this.p2,
      data: this.body,
      ne: this.ne,
      extended: changes.extended ?? (changes.data !== undefined || 'ne' in changes ? undefined : this.extended),
      ...changes,
    });
  }

  toBytes(): Uint8Array {
    const head = Uint8Array.of(this.cla, this.ins, this.p1, this.p2);
    const nc = this.body.length;
    const ne = this.ne;
    if (!this.extended) {
      const lc = nc > 0 ? Uint8Array.of(nc) : new Uint8Array(0);
      const le = ne !== undefined ? Uint8Array.of(ne === 256 ? 0 : ne) : new Uint8Array(0);
      return concatBytes(head, lc, this.body, le);
    }
    if (nc === 0 && ne === undefined) return head;
    const lc = nc > 0 ? Uint8Array.of(0, nc >> 8, nc & 0xff) : Uint8Array.of(0);
    const n = ne === 65536 ? 0 : (ne ?? 0);
    const le = ne !== undefined ? Uint8Array.of(n >> 8, n & 0xff) : new Uint8Array(0);
    return concatBytes(head, lc, this.body, le);
  }

  get hex(): string {
    return toHex(this.toBytes());
  }

  /** Header and lengths only: the data may be a PIN or a key. */
  toString(): string {
    const h = toHex(Uint8Array.of(this.cla, this.ins, this.p1, this.p2));
    return `${h} case ${this.case}${this.extended ? 'E' : ''} Nc=${this.nc}${this.ne !== undefined ? ` Ne=${this.ne}` : ''}`;
  }
}
