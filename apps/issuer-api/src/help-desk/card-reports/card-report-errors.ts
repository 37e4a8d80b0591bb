import { CodedError } from '@scm/common';

/** Card reports: a card lost, stolen, damaged or left at home, and found again. */
export enum CardReportErrorCode {
  NotFound = 'card-report.not-found',
  Invalid = 'card-report.invalid',
  WrongCardState = 'card-report.wrong-card-state',
  AlreadyReported = 'card-report.already-reported',
  NotReported = 'card-report.not-reported',
}

export class CardReportError extends CodedError<CardReportErrorCode> {
  constructor(
    readonly code: CardReportErrorCode,
    message: string,
    meta: Record<string, unknown> = {},
  ) {
    super(message, meta);
  }
}
