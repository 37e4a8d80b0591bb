import { ApduError, ApduErrorCode } from './apdu-errors';
import type { ResponseApdu } from './response-apdu';

/** Status words used by name in SCM code (ISO 7816-4 and the PIV/Yubico applets). */
export const SW = {
  OK: 0x9000,
  WARNING_NO_INFO: 0x6200,
  END_OF_DATA: 0x6282,
  VERIFY_FAILED: 0x6300,
  EXEC_ERROR: 0x6400,
  MEMORY_FAILURE: 0x6581,
  WRONG_LENGTH: 0x6700,
  LAST_COMMAND_EXPECTED: 0x6883,
  CHAINING_NOT_SUPPORTED: 0x6884,
  COMMAND_NOT_ALLOWED: 0x6900,
  SECURITY_STATUS_NOT_SATISFIED: 0x6982,
  AUTH_METHOD_BLOCKED: 0x6983,
  REFERENCE_DATA_NOT_USABLE: 0x6984,
  CONDITIONS_NOT_SATISFIED: 0x6985,
  WRONG_DATA: 0x6a80,
  FUNCTION_NOT_SUPPORTED: 0x6a81,
  FILE_NOT_FOUND: 0x6a82,
  RECORD_NOT_FOUND: 0x6a83,
  NOT_ENOUGH_MEMORY: 0x6a84,
  INCORRECT_P1P2: 0x6a86,
  REFERENCE_NOT_FOUND: 0x6a88,
  WRONG_P1P2: 0x6b00,
  INS_NOT_SUPPORTED: 0x6d00,
  CLA_NOT_SUPPORTED: 0x6e00,
  NO_PRECISE_DIAGNOSIS: 0x6f00,
} as const;

/** ISO 7816-4 meanings of exact status words. */
const EXACT: ReadonlyMap<number, string> = new Map([
  [0x9000, 'success'],
  [0x6200, 'warning, state unchanged'],
  [0x6281, 'part of the returned data may be corrupted'],
  [0x6282, 'end of file or record reached before reading Ne bytes'],
  [0x6283, 'selected file deactivated'],
  [0x6284, 'file control information not formatted correctly'],
  [0x6285, 'selected file in termination state'],
  [0x6286, 'no input data available from a sensor'],
  [0x6300, 'warning, state changed (verification failed)'],
  [0x6381, 'file filled up by the last write'],
  [0x6400, 'execution error, state unchanged'],
  [0x6401, 'immediate response required by the card'],
  [0x6500, 'execution error, state changed'],
  [0x6581, 'memory failure'],
  [0x6600, 'security-related issue'],
  [0x6700, 'wrong length'],
  [0x6800, 'function in CLA not supported'],
  [0x6881, 'logical channel not supported'],
  [0x6882, 'secure messaging not supported'],
  [0x6883, 'last command of the chain expected'],
  [0x6884, 'command chaining not supported'],
  [0x6900, 'command not allowed'],
  [0x6981, 'command incompatible with file structure'],
  [0x6982, 'security status not satisfied'],
  [0x6983, 'authentication method blocked'],
  [0x6984, 'reference data not usable'],
  [0x6985, 'conditions of use not satisfied'],
  [0x6986, 'command not allowed (no current EF)'],
  [0x6987, 'expected secure messaging data objects missing'],
  [0x6988, 'incorrect secure messaging data objects'],
  [0x6a00, 'wrong parameters P1-P2'],
  [0x6a80, 'incorrect parameters in the command data field'],
  [0x6a81, 'function not supported'],
  [0x6a82, 'file or application not found'],
  [0x6a83, 'record not found'],
  [0x6a84, 'not enough memory space in the file'],
  [0x6a85, 'Nc inconsistent with TLV structure'],
  [0x6a86, 'incorrect parameters P1-P2'],
  [0x6a87, 'Nc inconsistent with parameters P1-P2'],
  [0x6a88, 'referenced data or reference data not found'],
  [0x6a89, 'file already exists'],
  [0x6a8a, 'DF name already exists'],
  [0x6b00, 'wrong parameters P1-P2'],
  [0x6d00, 'instruction code not supported or invalid'],
  [0x6e00, 'class not supported'],
  [0x6f00, 'no precise diagnosis'],
]);

/** Meanings by SW1 when SW2 is not in the table. */
const BY_SW1: ReadonlyMap<number, string> = new Map([
  [0x62, 'warning, state unchanged'],
  [0x63, 'warning, state changed'],
  [0x64, 'execution error, state unchanged'],
  [0x65, 'execution error, state changed'],
  [0x66, 'security-related issue'],
  [0x67, 'wrong length'],
  [0x68, 'function in CLA not supported'],
  [0x69, 'command not allowed'],
  [0x6a, 'wrong parameters P1-P2'],
  [0x6b, 'wrong parameters P1-P2'],
  [0x6d, 'instruction code not supported or invalid'],
  [0x6e, 'class not supported'],
  [0x6f, 'no precise diagnosis'],
]);

/** The ISO 7816-4 meaning of a status word, e.g. describeSw(0x6a82) = 'file or application not found'. */
export function describeSw(sw: number): string {
  const sw1 = (sw >> 8) & 0xff;
  const sw2 = sw & 0xff;
  if (sw1 === 0x61) return sw2 === 0 ? '256 or more response bytes available' : `${sw2} more response bytes available`;
  if (sw1 === 0x6c) return `wrong Le field; ${sw2 === 0 ? 256 : sw2} bytes available`;
  if (sw1 === 0x63 && (sw2 & 0xf0) === 0xc0) {
    const n = sw2 & 0x0f;
    return `verification failed, ${n} ${n === 1 ? 'retry' : 'retries'} left`;
  }
  const exact = EXACT.get(sw);
  if (exact) return exact;
  const general = BY_SW1.get(sw1);
  if (general) return general;
  if (sw1 === 0x90) return 'success (proprietary SW2)';
  return 'unknown status';
}

/** `SW=6A82 (file or application not found)`: how status words are printed everywhere. */
export function formatSw(sw: number): string {
  return `SW=${sw.toString(16).toUpperCase().padStart(4, '0')} (${describeSw(sw)})`;
}

/** Retries left from a `63Cx` status word, else undefined. */
export function retriesFromSw(sw: number): number | undefined {
  return (sw & 0xfff0) === 0x63c0 ? sw & 0x0f : undefined;
}

/** True for `90 00`. */
export function isSuccess(sw: number): boolean {
  return sw === SW.OK;
}

/**
 * A status the caller did not accept. `sw`, `retries` (from 63Cx) and `accepted` are safe to log;
 * the response data is not kept (it could hold a secret the card echoed).
 */
export class StatusWordError extends ApduError {
  readonly code = ApduErrorCode.StatusWord;
  readonly sw: number;
  readonly retries: number | undefined;

  constructor(
    sw: number,
    readonly accepted: readonly number[] = [SW.OK],
    readonly context?: string,
  ) {
    super(`${context ? `${context}: ` : ''}${formatSw(sw)}`, { sw: sw.toString(16).padStart(4, '0'), context });
    this.sw = sw;
    this.retries = retriesFromSw(sw);
  }

  get sw1(): number {
    return (this.sw >> 8) & 0xff;
  }

  get sw2(): number {
    return this.sw & 0xff;
  }
}

/** Throws a StatusWordError unless the response's SW is one of `accepted` (default 9000). */
export function expectSw(response: ResponseApdu, accepted: readonly number[] = [SW.OK], context?: string): ResponseApdu {
  if (!accepted.includes(response.sw)) throw new StatusWordError(response.sw, accepted, context);
  return response;
}
