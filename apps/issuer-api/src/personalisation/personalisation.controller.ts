import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, Query, Req, Res } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { ApiBearerAuth, ApiOperation, ApiProduces, ApiProperty, ApiTags } from '@nestjs/swagger';
import { IsInt, IsString, Length, Matches, Max, Min } from 'class-validator';
import type { Request, Response } from 'express';
import type { DataSource } from 'typeorm';
import { Roles } from '../trust/auth/access.decorator';
import { type Actor, CurrentActor } from '../trust/auth/principal';
import { isRequestState, isTerminal } from '../issuance/requests/request-state';
import { type ActivationView, ActivationService } from './activation/activation.service';
import { PersonalisationError, PersonalisationErrorCode } from './personalisation-errors';
import { type ProgressEvent, ProgressHub } from './progress/progress.hub';
import { type CardProgress, ProgressQuery } from './progress/progress.query';
import { type SpoiledView, SpoilCardService } from './spoil-card/spoil-card.service';

const SERIAL = /^[0-9A-Za-z_-]{1,64}$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const HEARTBEAT_MS = 15_000;

export class SpoilDto {
  @ApiProperty({ example: 'pulled out during personalisation; card bent' }) @IsString() @Length(1, 200) reason!: string;
}

export class StartActivationDto {
  @ApiProperty({ description: "the card's serial" }) @Matches(SERIAL) card!: string;
  @ApiProperty({ description: 'the workstation where the cardholder types the PIN' }) @IsInt() @Min(0) @Max(999) workstation!: number;
  @ApiProperty({
    description: 'how the identity was checked (document type and reference, who checked)',
    example: 'passport checked in person',
  })
  @IsString()
  @Length(3, 200)
  identityCheck!: string;
}

/** Officer and help-desk routes of personalisation: spoiling a card, activation sessions, progress. */
@ApiTags('personalisation')
@ApiBearerAuth()
@Controller('api/v1')
export class PersonalisationController {
  constructor(
    private readonly spoils: SpoilCardService,
    private readonly activations: ActivationService,
    private readonly hub: ProgressHub,
    private readonly progress: ProgressQuery,
    @InjectDataSource() private readonly ds: DataSource,
  ) {}

  @Post('cards/:serial/spoil')
  @Roles('security-officer')
  @HttpCode(200)
  @ApiOperation({
    summary: "Declare a card spoiled (pulled out mid-personalisation and abandoned); its request's escrowed keys are regenerated",
  })
  spoil(@Param('serial') serial: string, @Body() dto: SpoilDto, @CurrentActor() actor: Actor): Promise<SpoiledView> {
    if (!SERIAL.test(serial))
      throw new PersonalisationError(PersonalisationErrorCode.Invalid, 'a card serial is 1 to 64 letters, digits, "-" or "_"');
    return this.spoils.spoil(serial, dto.reason, actor);
  }

  @Post('activations')
  @Roles('security-officer', 'help-desk')
  @ApiOperation({ summary: "After checking the cardholder's identity: let the cardholder set the PIN of an issued card at a workstation" })
  startActivation(@Body() dto: StartActivationDto, @CurrentActor() actor: Actor): Promise<ActivationView> {
    return this.activations.start({ serial: dto.card, workstation: dto.workstation, identityCheck: dto.identityCheck }, actor);
  }

  @Get('activations/:id')
  @Roles('security-officer', 'help-desk', 'auditor')
  @ApiOperation({ summary: 'An activation session and its outcome' })
  showActivation(@Param('id', ParseUUIDPipe) id: string, @CurrentActor() actor: Actor): Promise<ActivationView> {
    return this.activations.show(id, actor);
  }

  @Post('activations/:id/cancel')
  @Roles('security-officer', 'help-desk')
  @HttpCode(200)
  @ApiOperation({ summary: 'Cancel an open activation session' })
  cancelActivation(@Param('id', ParseUUIDPipe) id: string, @CurrentActor() actor: Actor): Promise<ActivationView> {
    return this.activations.cancel(id, actor);
  }

  @Get('personalisation/requests/:id/steps')
  @Roles('security-officer', 'help-desk', 'auditor')
  @ApiOperation({ summary: "The step log of a request's personalisation attempts" })
  async steps(@Param('id', ParseUUIDPipe) id: string): Promise<unknown[]> {
    return this.ds.query(
      `SELECT s.attempt, s.step, s.outcome, s.details, s.at, c.serial, s.worker_id AS "workerId" FROM personalisation_step s LEFT JOIN card c ON c.id = s.card_id WHERE s.request_id = $1 ORDER BY s.id`,
      [id],
    );
  }

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
    const ids = new Set<string>();
    const states = new Map<string, string>();
    const buffered: ProgressEvent[] = [];
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
    const send = (event: string, data: unknown) => {
      if (!done) res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
    };
    const allClosed = () => [...states.values()].every((s) => isRequestState(s) && isTerminal(s));
    const onEvent = (e: ProgressEvent) => {
      if (done || !(ids.has(e.requestId) || (batch && e.batchId === batch))) return;
      if (!open) return void buffered.push(e);
      if (e.type === 'state') {
        states.set(e.requestId, e.state);
        send('state', e);
        if (allClosed()) end();
      } else send('step', e);
    };
    unsubscribe = await this.hub.subscribe(onEvent);
    unreset = this.hub.onReset(() => {
      send('reset', { reason: 'the progress listener reconnects; read the state again' });
      end();
    });
    req.on('close', end);
    let snapshot: CardProgress[];
    try {
      snapshot = await this.progress.snapshot({ batchId: batch, requestId: request });
    } catch (e) {
      end();
      throw e;
    }
    for (const c of snapshot) {
      ids.add(c.requestId);
      states.set(c.requestId, c.state);
    }
    res
      .status(200)
      .set({ 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-cache', Connection: 'keep-alive', 'X-Accel-Buffering': 'no' });
    res.flushHeaders();
    open = true;
    send('snapshot', { cards: snapshot });
    for (const e of buffered.splice(0)) onEvent(e);
    if (allClosed()) return end();
    if (!done) heartbeat = setInterval(() => res.write(': keep-alive\n\n'), HEARTBEAT_MS);
  }
}
