import { CodedError } from '@scm/common';

export enum StockErrorCode {
  /** No such batch. */
  NotFound = 'stock.not-found',
  /** The manifest or a value of the import is malformed (meta says what). */
  InvalidManifest = 'stock.invalid-manifest',
  /** A batch with that name exists, or a serial is already in stock. */
  Conflict = 'stock.conflict',
  /** The card's serial is in no registered stock batch: it is not ours to personalise. */
  NotInStock = 'stock.card-not-in-stock',
  /** The development (factory-default) batch is refused: SCM_DEV_STOCK is off (production). */
  DevelopmentStockDisabled = 'stock.development-disabled',
  /** The card was destroyed, or its batch does not use this transport-key algorithm. */
  CardUnavailable = 'stock.card-unavailable',
  /** The card did not prove it holds its transport key (no proof, wrong answer, expired or used proof). */
  ProofFailed = 'stock.proof-failed',
  /** An on-card key of attestation stock without a valid attestation of this card. */
  AttestationRefused = 'stock.attestation-refused',
}

export class StockError extends CodedError<StockErrorCode> {
  constructor(
    readonly code: StockErrorCode,
    message: string,
    meta: Record<string, unknown> = {},
  ) {
    super(message, meta);
  }
}
