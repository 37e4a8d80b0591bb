import { ApduFormatError } from './apdu-errors';
import { concatBytes, toHex } from './bytes';
import { expectSw, formatSw, SW } from './status-words';

/** A response APDU: data then SW1 SW2. Immutable; `data` returns a copy. */
export class ResponseApdu {
  private readonly body: Uint8Array;
  readonly sw: number;

  constructor(data: Uint8Array, sw: number) {
    if (!Number.isInteger(sw) || sw < 0 || sw > 0xffff) throw new ApduFormatError(`SW must be a 16-bit value, got ${sw}`);
    if (data.length > 65536) throw new ApduFormatError(`response data of ${data.length} bytes exceeds 65536`);
    this.body = Uint8Array.from(data);
    this.sw = sw;
  }

  /** Strict: at least the two status bytes. */
  static parse(bytes: Uint8Array): ResponseApdu {
    if (bytes.length < 2)
      throw new ApduFormatError(`a response APDU needs at least 2 bytes (SW1 SW2), got ${bytes.length}`, { length: bytes.length });
    const n = bytes.length - 2;
    return new ResponseApdu(bytes.subarray(0, n), (bytes[n] << 8) | bytes[n + 1]);
  }

  /** A response with this data and SW (default 9000). */
  static of(data: Uint8Array = new Uint8Array(0), sw: number = SW.OK): ResponseApdu {
    return new ResponseApdu(data, sw);
  }

  get data(): Uint8Array {
    return Uint8Array.from(this.body);
  }

  get length(): number {
    return this.body.length;
  }

  get sw1(): number {
    return (this.sw >> 8) & 0xff;
  }

  get sw2(): number {
    return this.sw & 0xff;
  }

  get ok(): boolean {
    return this.sw === SW.OK;
  }

  toBytes(): Uint8Array {
    return concatBytes(this.body, Uint8Array.of(this.sw1, this.sw2));
  }

  /** Upper-case hex of the whole response, data then SW. */
  get hex(): string {
    return toHex(this.toBytes());
  }

  /** Returns this response if its SW is one of `accepted` (default 9000), else throws StatusWordError. */
  expect(accepted: readonly number[] = [SW.OK], context?: string): this {
    expectSw(this, accepted, context);
    return this;
  }

  toString(): string {
    return `${this.body.length} bytes, ${formatSw(this.sw)}`;
  }
}
