import type { ReaderReport } from '@scm/db';

/** A card worker reports the readers of its workstation. */
export class ReportHeartbeatCommand {
  constructor(
    readonly workstation: number,
    readonly host: string,
    readonly readers: ReaderReport[],
    readonly workerId: string,
  ) {}
}
