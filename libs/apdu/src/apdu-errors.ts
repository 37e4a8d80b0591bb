/**
 * Errors of the APDU layer. libs/apdu stays free of other SCM libs (it is pure), so this base has
 * the same shape as @scm/common's CodedError (`code`, safe `meta`, `cause`) without extending it.
 * Messages and meta never carry command data (which may be a PIN or a key).
 */
export enum ApduErrorCode {
  /** Bytes that are not a valid command or response APDU (or a bad value given to a constructor). */
  Format = 'apdu.format',
  /** Malformed BER-TLV, or a required TLV missing. */
  Tlv = 'apdu.tlv',
  /** The card answered with a status word the caller did not accept. */
  StatusWord = 'apdu.status-word',
  /** The card broke the transport protocol: endless 61xx, inconsistent 6Cxx, chaining refused. */
  Protocol = 'apdu.protocol',
  /** A second command was started on a channel while one was still in flight. */
  Busy = 'apdu.busy',
  /** A recorded transcript did not match the exchange (tests). */
  Transcript = 'apdu.transcript',
}

export abstract class ApduError extends Error {
  abstract readonly code: ApduErrorCode;

  constructor(
    message: string,
    readonly meta: Readonly<Record<string, unknown>> = {},
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = new.target.name;
  }
}

export class ApduFormatError extends ApduError {
  readonly code = ApduErrorCode.Format;
}

export class TransportProtocolError extends ApduError {
  readonly code = ApduErrorCode.Protocol;
}

export class ChannelBusyError extends ApduError {
  readonly code = ApduErrorCode.Busy;
}

/** A recorded transcript and the live exchange differ; `line` is the transcript line (1-based). */
export class TranscriptError extends ApduError {
  readonly code = ApduErrorCode.Transcript;

  constructor(
    message: string,
    readonly line?: number,
  ) {
    super(line !== undefined ? `transcript line ${line}: ${message}` : message, { line });
  }
}

/** True for every error of this layer. */
export function isApduError(e: unknown): e is ApduError {
  return e instanceof ApduError;
}
