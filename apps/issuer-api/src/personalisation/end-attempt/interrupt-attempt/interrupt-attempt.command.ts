import { Command } from '@nestjs/cqrs';
import type { Actor } from '../../../trust/auth/principal';

/** The card left the reader (or the reader failed) mid-way. */
export class InterruptAttemptCommand extends Command<{ state: string; waitsFor: string | null }> {
  constructor(
    readonly requestId: string,
    readonly workerId: string,
    readonly reason: string,
    readonly actor: Actor,
  ) {
    super();
  }
}
