import { Controller, Get, Param, ParseUUIDPipe, Req, Res } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { Roles } from '../../../trust/auth/access.decorator';
import { isTerminal, type RequestState } from '../request-state';
import type { RequestEvent } from '../request-state-machine';
import { type BatchView, type RequestView, ShowBatchQuery, ShowRequestQuery } from '../show-request/show-request.query';
import { RequestEventsHub } from './request-events.hub';

const HEARTBEAT_MS = 15_000;

/**
 * Server-sent events (text/event-stream) of request state changes. Each stream starts with the
 * current state (`snapshot`), then sends one `state` event per committed change; a request's
 * stream ends when the request reaches issued, failed or cancelled.
 */
@ApiTags('issuance')
@ApiBearerAuth()
@Controller('api/v1')
export class RequestEventsController {
  constructor(
    private readonly queries: QueryBus,
    private readonly hub: RequestEventsHub,
  ) {}

  @Get('issuance-requests/:id/events')
  @Roles('security-officer', 'help-desk', 'auditor')
  @ApiProduces('text/event-stream')
  @ApiOperation({ summary: 'Follow one request: its state now, then every change (server-sent events)' })
  async request(@Param('id', ParseUUIDPipe) id: string, @Req() req: Request, @Res() res: Response): Promise<void> {
    await this.stream(
      req,
      res,
      (e) => e.requestId === id,
      async (send, end) => {
        const v = (await this.queries.execute(new ShowRequestQuery(id))) as RequestView;
        send('snapshot', { requestId: v.id, batchId: v.batchId, state: v.state, at: v.stateChangedAt, failure: v.failure });
        if (isTerminal(v.state as RequestState)) end();
      },
      (e, end) => {
        if (isTerminal(e.state)) end();
      },
    );
  }

  @Get('issuance-batches/:id/events')
  @Roles('security-officer', 'help-desk', 'auditor')
  @ApiProduces('text/event-stream')
  @ApiOperation({ summary: 'Follow a batch: counts per state now, then every change of its requests (server-sent events)' })
  async batch(@Param('id', ParseUUIDPipe) id: string, @Req() req: Request, @Res() res: Response): Promise<void> {
    await this.stream(
      req,
      res,
      (e) => e.batchId === id,
      async (send) => {
        const b = (await this.queries.execute(new ShowBatchQuery(id))) as BatchView;
        send('snapshot', { batchId: b.id, size: b.size, states: b.states });
      },
    );
  }

  /**
   * Subscribes before reading the snapshot, so no change falls between the two (a change may
   * then arrive twice: states are idempotent). Errors before the first byte become problems.
   */
  private async stream(
    req: Request,
    res: Response,
    match: (e: RequestEvent) => boolean,
    snapshot: (send: (event: string, data: unknown) => void, end: () => void) => Promise<void>,
    after?: (e: RequestEvent, end: () => void) => void,
  ): Promise<void> {
    let open = false;
    let done = false;
    const buffered: RequestEvent[] = [];
    const send = (event: string, data: unknown) => {
      if (!done) res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
    };
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
    const onEvent = (e: RequestEvent) => {
      if (!match(e) || done) return;
      if (!open) return void buffered.push(e);
      send('state', e);
      after?.(e, end);
    };
    unsubscribe = await this.hub.subscribe(onEvent);
    unreset = this.hub.onReset(() => {
      send('reset', { reason: 'the event listener reconnects; read the state again' });
      end();
    });
    req.on('close', end);
    try {
      let started = false;
      await snapshot((event, data) => {
        if (!started) {
          started = true;
          res
            .status(200)
            .set({ 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-cache', Connection: 'keep-alive', 'X-Accel-Buffering': 'no' });
          res.flushHeaders();
          open = true;
        }
        send(event, data);
      }, end);
    } catch (e) {
      end();
      throw e;
    }
    for (const e of buffered.splice(0)) onEvent(e);
    if (!done) heartbeat = setInterval(() => res.write(': keep-alive\n\n'), HEARTBEAT_MS);
  }
}
