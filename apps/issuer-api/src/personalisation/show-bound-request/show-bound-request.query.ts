import { Query } from '@nestjs/cqrs';

/** The request waiting for (or being personalised on) a card. */
export interface BoundRequest {
  requestId: string;
  state: string;
}

/** A worker holding a card put back after it was pulled out asks which request it belongs to. */
export class ShowBoundRequestQuery extends Query<BoundRequest> {
  constructor(readonly serial: string) {
    super();
  }
}
