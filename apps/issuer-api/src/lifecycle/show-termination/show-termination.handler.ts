import { Inject } from '@nestjs/common';
import { type IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import type { Clock } from '../../platform/infra/clock.port';
import { CLOCK } from '../../platform/infra/tokens';
import { LifecycleError, LifecycleErrorCode } from '../lifecycle-errors';
import { TERMINATION_REPOSITORY, type TerminationRepository } from '../termination.repository';
import { type TerminationView, toTerminationView } from '../termination-view';
import { ShowTerminationQuery } from './show-termination.query';

@QueryHandler(ShowTerminationQuery)
export class ShowTerminationHandler implements IQueryHandler<ShowTerminationQuery, TerminationView> {
  constructor(
    @Inject(TERMINATION_REPOSITORY) private readonly leavers: TerminationRepository,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async execute(q: ShowTerminationQuery): Promise<TerminationView> {
    const t = await this.leavers.get(q.cardholderId);
    if (!t)
      throw new LifecycleError(LifecycleErrorCode.NotFound, `cardholder ${q.cardholderId} is not terminated`, {
        cardholderId: q.cardholderId,
      });
    return toTerminationView(t, await this.leavers.purgeOf(q.cardholderId), this.clock.now());
  }
}
