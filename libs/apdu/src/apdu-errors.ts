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

/** True for every error of this layer. */
export function isApduError(e: unknown): e is ApduError {
  return e instanceof ApduError;
}
