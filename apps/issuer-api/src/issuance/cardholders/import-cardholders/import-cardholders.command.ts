import { Command } from '@nestjs/cqrs';
import type { Actor } from '../../../trust/auth/principal';
import type { CardholderInput } from '../cardholder';

export type { ImportLineError } from '../cardholder';

/** Many cardholders at once (a CSV file): all are created, or none and every bad line is named. */
export class ImportCardholdersCommand extends Command<{ created: number; ids: string[] }> {
  constructor(
    readonly cardholders: CardholderInput[],
    readonly actor: Actor,
  ) {
    super();
  }
}
