import { Command } from '@nestjs/cqrs';
import type { Actor } from '../../../trust/auth/principal';
import type { CardholderInput, PendingApproval } from '../cardholder';

export type { ImportLineError } from '../cardholder';

/** How many were created, their ids, and the approval their registration waits for (separation of duties). */
export type ImportResult = { created: number; ids: string[]; approval?: PendingApproval };

/** Many cardholders at once (a CSV file): all are created, or none and every bad line is named. */
export class ImportCardholdersCommand extends Command<ImportResult> {
  constructor(
    readonly cardholders: CardholderInput[],
    readonly actor: Actor,
  ) {
    super();
  }
}
