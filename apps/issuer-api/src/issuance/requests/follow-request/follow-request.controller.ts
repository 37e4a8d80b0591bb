import { Controller, Get, Inject, Param, ParseUUIDPipe, Req, Res } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { Roles } from '../../../trust/auth/access.decorator';
import { followRequests } from '../request-events/event-stream';
import { REQUEST_EVENTS_REPOSITORY, type RequestEventsRepository } from '../request-events/request-events.repository';
import { isTerminal, type RequestState } from '../request-state';
import { ShowRequestQuery } from '../show-request/show-request.query';

/**
 * Server-sent events of one request: its state now (`snapshot`), then one `state` event per
 * committed change; the stream ends when the request reaches issued, failed or cancelled.
 */
@ApiTags('issuance')
@ApiBearerAuth()
@Controller('api/v1')
export class FollowRequestController {
  constructor(
    private readonly queries: QueryBus,
    @Inject(REQUEST_EVENTS_REPOSITORY) private readonly feed: RequestEventsRepository,
  ) {}

  @Get('issuance-requests/:id/events')
  @Roles('security-officer', 'help-desk', 'auditor')
  @ApiProduces('text/event-stream')
  @ApiOperation({ summary: 'Follow one request: its state now, then every change (server-sent events)' })
  async request(@Param('id', ParseUUIDPipe) id: string, @Req() req: Request, @Res() res: Response): Promise<void> {
    await followRequests(this.feed, req, res, {
      match: (e) => e.requestId === id,
      snapshot: async (send, end) => {
        const v = await this.queries.execute(new ShowRequestQuery(id));
        send('snapshot', { requestId: v.id, batchId: v.batchId, state: v.state, at: v.stateChangedAt, failure: v.failure });
        if (isTerminal(v.state as RequestState)) end();
      },
      after: (e, end) => {
        if (isTerminal(e.state)) end();
      },
    });
  }
}
