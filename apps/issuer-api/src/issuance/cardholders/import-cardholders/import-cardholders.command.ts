import type { Actor } from '../../../trust/auth/principal';
import type { CardholderInput } from '../cardholder';

/** Many cardholders at once (a CSV file): all are created, or none and every bad line is named. */
export class ImportCardholdersCommand {
  constructor(
    readonly cardholders: CardholderInput[],
    readonly actor: Actor,
  ) {}
}

export interface ImportLineError {
  /** 0-based position in the list (the CLI maps it to its file line). */
  index: number;
  field: string;
  code: 'invalid' | 'upn-taken' | 'duplicate';
  message: string;
  /** For a duplicate: where the first occurrence is. */
  otherIndex?: number;
}
