import { Controller, Get, Inject, Query, Req, Res } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { eventStream } from '../../../platform/http/event-stream';
import { Roles } from '../../../trust/auth/access.decorator';
import { PersonalisationError, PersonalisationErrorCode } from '../../personalisation-errors';
import { PROGRESS_EVENTS_REPOSITORY, type ProgressEventsRepository } from '../progress-events.repository';
import { ProgressStream } from '../progress-stream';
import type { CardProgress } from '../progress-views.repository';
import { ShowProgressQuery } from './show-progress.query';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

@ApiTags('personalisation')
@ApiBearerAuth()
@Controller('api/v1')
export class FollowProgressController {
  constructor(
    private readonly queries: QueryBus,
    @Inject(PROGRESS_EVENTS_REPOSITORY) private readonly events: ProgressEventsRepository,
  ) {}

  @Get('personalisation/progress')
  @Roles('security-officer', 'help-desk', 'auditor')
  @ApiProduces('text/event-stream')
  @ApiOperation({
    summary:
      'Follow the cards of a batch (?batch=) or of one request (?request=): a snapshot, then every step and state (server-sent events)',
  })
  async stream(
    @Query('batch') batch: string | undefined,
    @Query('request') request: string | undefined,
    @Req() req: Request,
    @Res() res: Response,
  ): Promise<void> {
    if (!!batch === !!request || !UUID.test(batch ?? request ?? '')) {
      throw new PersonalisationError(PersonalisationErrorCode.Invalid, 'give either batch=<id> or request=<id>');
    }
    const out = eventStream(req, res);
    const stream = new ProgressStream(batch, { send: (event, data) => out.send(event, data), end: () => out.end() });
    // Follow first, then read the snapshot: nothing committed in between is missed.
    out.onEnd(
      await this.events.subscribe((e) => {
        if (!out.done) stream.push(e);
      }),
    );
    out.onEnd(this.events.onReset(() => stream.reset()));
    let snapshot: CardProgress[];
    try {
      snapshot = await this.queries.execute(new ShowProgressQuery(batch ? { batchId: batch } : { requestId: request! }));
    } catch (e) {
      out.end();
      throw e;
    }
    out.start();
    stream.start(snapshot);
  }
}
