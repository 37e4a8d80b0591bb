import { Controller, Get, Inject, Query, Req, Res } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { Roles } from '../../../trust/auth/access.decorator';
import { PersonalisationError, PersonalisationErrorCode } from '../../personalisation-errors';
import { PROGRESS_EVENTS_REPOSITORY, type ProgressEventsRepository } from '../progress-events.repository';
import { ProgressStream } from '../progress-stream';
import type { CardProgress } from '../progress-views.repository';
import { ShowProgressQuery } from './show-progress.query';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const HEARTBEAT_MS = 15_000;

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
    let open = false;
    let done = false;
    let heartbeat: NodeJS.Timeout | undefined;
    let unsubscribe: () => void = () => undefined;
    let unreset: () => void = () => undefined;
    const end = () => {
      if (done) return;
      done = true;
      clearInterval(heartbeat);
      unsubscribe();
      unreset();
      if (open) res.end();
    };
    const stream = new ProgressStream(batch, {
      send: (event, data) => {
        if (!done) res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
      },
      end,
    });
    // Follow first, then read the snapshot: nothing committed in between is missed.
    unsubscribe = await this.events.subscribe((e) => {
      if (!done) stream.push(e);
    });
    unreset = this.events.onReset(() => stream.reset());
    req.on('close', end);
    let snapshot: CardProgress[];
    try {
      snapshot = await this.queries.execute(new ShowProgressQuery(batch ? { batchId: batch } : { requestId: request! }));
    } catch (e) {
      end();
      throw e;
    }
    res
      .status(200)
      .set({ 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-cache', Connection: 'keep-alive', 'X-Accel-Buffering': 'no' });
    res.flushHeaders();
    open = true;
    stream.start(snapshot);
    if (!done) heartbeat = setInterval(() => res.write(': keep-alive\n\n'), HEARTBEAT_MS);
  }
}
