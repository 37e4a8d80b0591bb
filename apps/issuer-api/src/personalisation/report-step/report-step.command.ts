import { Command } from '@nestjs/cqrs';
import type { Actor } from '../../trust/auth/principal';
import type { RawReport } from './step-report';

/** A worker reports a step of its attempt (or the attempt's plan); the result says whether it counted. */
export class ReportStepCommand extends Command<boolean> {
  constructor(
    readonly workerId: string,
    readonly report: RawReport,
    readonly actor: Actor,
  ) {
    super();
  }
}
