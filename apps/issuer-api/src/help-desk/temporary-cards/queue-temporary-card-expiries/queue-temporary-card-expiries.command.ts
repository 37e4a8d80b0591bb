import { Command } from '@nestjs/cqrs';

/** The periodic sweep: queues the expiry of every temporary card past its time; answers how many. */
export class QueueTemporaryCardExpiriesCommand extends Command<number> {}
