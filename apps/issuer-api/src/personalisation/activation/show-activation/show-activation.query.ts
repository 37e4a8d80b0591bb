import { Query } from '@nestjs/cqrs';
import type { ActivationView } from '@scm/personalisation';

/** An activation session and its outcome. */
export class ShowActivationQuery extends Query<ActivationView> {
  constructor(readonly sessionId: string) {
    super();
  }
}
