import { Controller, Get, Inject, Param, ParseUUIDPipe, Req, Res } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { Roles } from '../../../trust/auth/access.decorator';
import { followRequests } from '../request-events/event-stream';
import { REQUEST_EVENTS_REPOSITORY, type RequestEventsRepository } from '../request-events/request-events.repository';
import { ShowBatchQuery } from '../show-batch/show-batch.query';

/** Server-sent events of a batch: its counts per state now (`snapshot`), then every change of its requests. */
@ApiTags('issuance')
@ApiBearerAuth()
@Controller('api/v1')
export class FollowBatchController {
  constructor(
    private readonly queries: QueryBus,
    @Inject(REQUEST_EVENTS_REPOSITORY) private readonly feed: RequestEventsRepository,
  ) {}

  @Get('issuance-batches/:id/events')
  @Roles('security-officer', 'help-desk', 'auditor')
  @ApiProduces('text/event-stream')
  @ApiOperation({ summary: 'Follow a batch: counts per state now, then every change of its requests (server-sent events)' })
  async batch(@Param('id', ParseUUIDPipe) id: string, @Req() req: Request, @Res() res: Response): Promise<void> {
    await followRequests(this.feed, req, res, {
      match: (e) => e.batchId === id,
      snapshot: async (send) => {
        const b = await this.queries.execute(new ShowBatchQuery(id));
        send('snapshot', { batchId: b.id, size: b.size, states: b.states });
      },
    });
  }
}
