import { CodedError } from '@scm/common';

/** Transport-layer failures of PC/SC, mapped from pcsclite's error strings through one table. */
export enum PcscErrorCode {
  CardRemoved = 'pcsc.card-removed',
  NoCard = 'pcsc.no-card',
  ReaderGone = 'pcsc.reader-gone',
  SharingViolation = 'pcsc.sharing-violation',
  Timeout = 'pcsc.timeout',
  ProtocolMismatch = 'pcsc.protocol-mismatch',
  CardReset = 'pcsc.card-reset',
  ServiceUnavailable = 'pcsc.service-unavailable',
  ReaderBusy = 'pcsc.reader-busy',
  NotConnected = 'pcsc.not-connected',
  Unresponsive = 'pcsc.unresponsive-card',
  Other = 'pcsc.other',
}

export class PcscError extends CodedError<PcscErrorCode> {
  constructor(
    readonly code: PcscErrorCode,
    message: string,
    meta: Record<string, unknown> = {},
    options?: { cause?: unknown },
  ) {
    super(message, meta, options);
  }
}

/** SCARD_* result codes (pcsclite.h) and what they mean to SCM. */
const TABLE: ReadonlyArray<[number, PcscErrorCode, string]> = [
  [0x80100069, PcscErrorCode.CardRemoved, 'the card was removed'],
  [0x8010000c, PcscErrorCode.NoCard, 'no card in the reader'],
  [0x80100009, PcscErrorCode.ReaderGone, 'the reader is unknown'],
  [0x80100017, PcscErrorCode.ReaderGone, 'the reader is unavailable'],
  [0x8010002e, PcscErrorCode.ReaderGone, 'no readers are available'],
  [0x8010000b, PcscErrorCode.SharingViolation, 'the card is in use by another application'],
  [0x8010000a, PcscErrorCode.Timeout, 'the PC/SC operation timed out'],
  [0x8010000f, PcscErrorCode.ProtocolMismatch, 'the card does not support the requested protocol'],
  [0x80100068, PcscErrorCode.CardReset, 'the card was reset by another application'],
  [0x80100066, PcscErrorCode.Unresponsive, 'the card does not respond to a reset'],
  [0x80100067, PcscErrorCode.Unresponsive, 'the card is not powered'],
  [0x8010001d, PcscErrorCode.ServiceUnavailable, 'the PC/SC service (pcscd) is not running'],
  [0x8010001e, PcscErrorCode.ServiceUnavailable, 'the PC/SC service stopped'],
  [0x80100003, PcscErrorCode.NotConnected, 'the card handle is not valid'],
  [0x80100002, PcscErrorCode.Other, 'the operation was cancelled'],
  [0x80100016, PcscErrorCode.Other, 'the reader is not ready'],
  [0x8010000d, PcscErrorCode.Other, 'the card is not a smart card'],
  [0x80100013, PcscErrorCode.Unresponsive, 'communication error with the card'],
  [0x80100008, PcscErrorCode.Other, 'the receive buffer is too small for the response'],
];

/** Maps a pcsclite error ("SCardTransmit error: Card was removed.(0x80100069)") to a typed error. */
export function mapPcscError(e: unknown, reader?: string): PcscError {
  if (e instanceof PcscError) return e;
  const text = e instanceof Error ? e.message : String(e);
  const m = /\(0x([0-9a-fA-F]{8})\)/.exec(text);
  const code = m ? parseInt(m[1], 16) : undefined;
  const row = TABLE.find(([c]) => c === code);
  const meta = { reader, scard: code !== undefined ? `0x${code.toString(16).padStart(8, '0')}` : undefined };
  if (row) return new PcscError(row[1], `${reader ? `${reader}: ` : ''}${row[2]}`, meta, { cause: e });
  return new PcscError(PcscErrorCode.Other, `${reader ? `${reader}: ` : ''}${text}`, meta, { cause: e });
}
