import { Query } from '@nestjs/cqrs';
import type { TerminationView } from '../termination-view';

/** A leaver's termination and where their escrow stands. */
export class ShowTerminationQuery extends Query<TerminationView> {
  constructor(readonly cardholderId: string) {
    super();
  }
}
