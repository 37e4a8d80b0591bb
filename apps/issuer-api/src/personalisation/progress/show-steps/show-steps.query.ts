import { Query } from '@nestjs/cqrs';
import type { StepLogEntry } from '../progress-views.repository';

/** The step log of a request's personalisation attempts. */
export class ShowStepsQuery extends Query<StepLogEntry[]> {
  constructor(readonly requestId: string) {
    super();
  }
}
