import { Command } from '@nestjs/cqrs';

/** Moves attempts that reported nothing for the stall period back to waiting for their cards; the result counts them. */
export class SweepStalledAttemptsCommand extends Command<number> {}
