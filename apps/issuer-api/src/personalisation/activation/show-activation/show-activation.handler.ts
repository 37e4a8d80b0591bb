import { Inject } from '@nestjs/common';
import { type IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import type { ActivationView } from '@scm/personalisation';
import { PersonalisationError, PersonalisationErrorCode } from '../../personalisation-errors';
import { ACTIVATION_SESSION_REPOSITORY, type ActivationSessionRepository } from '../activation-session.repository';
import { ActivationService } from '../activation.service';
import { ShowActivationQuery } from './show-activation.query';

@QueryHandler(ShowActivationQuery)
export class ShowActivationHandler implements IQueryHandler<ShowActivationQuery, ActivationView> {
  constructor(
    @Inject(ACTIVATION_SESSION_REPOSITORY) private readonly sessions: ActivationSessionRepository,
    private readonly activation: ActivationService,
  ) {}

  async execute(q: ShowActivationQuery): Promise<ActivationView> {
    const s = await this.sessions.get(q.sessionId);
    if (!s) throw new PersonalisationError(PersonalisationErrorCode.NotFound, `no activation session ${q.sessionId}`);
    return this.activation.view(s);
  }
}
