import { Command } from '@nestjs/cqrs';
import type { ReaderReport } from '@scm/db';

/** A card worker reports the readers of its workstation (over its channel). */
export class ReportHeartbeatCommand extends Command<void> {
  constructor(
    readonly workstation: number,
    readonly host: string,
    readonly readers: ReaderReport[],
    readonly workerId: string,
  ) {
    super();
  }
}
