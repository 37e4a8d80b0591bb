import { Command } from '@nestjs/cqrs';

/** The periodic sweep: ends the reissues whose request ended; answers how many. */
export class CompleteReissuesCommand extends Command<number> {}
