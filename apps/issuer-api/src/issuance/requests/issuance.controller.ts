import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, Query, Res } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOperation, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMinSize,
  IsArray,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  IsUUID,
  Length,
  Matches,
  Max,
  Min,
  ValidateNested,
} from 'class-validator';
import type { Response } from 'express';
import { Roles } from '../../trust/auth/access.decorator';
import { type Actor, CurrentActor } from '../../trust/auth/principal';
import { CancelRequestCommand } from './cancel-request/cancel-request.command';
import { REQUEST_STATES } from './request-state';
import { type IssuanceAccepted, RequestIssuanceCommand } from './request-issuance/request-issuance.command';
import {
  type BatchView,
  ListRequestsQuery,
  type RequestSummary,
  type RequestView,
  ShowBatchQuery,
  ShowRequestQuery,
} from './show-request/show-request.query';

const PROFILE = /^[a-z0-9][a-z0-9-]{0,39}$/;

export class IssueDto {
  @ApiProperty({ description: "the cardholder's id, UPN or e-mail address" }) @IsString() @Length(1, 320) cardholder!: string;
  @ApiPropertyOptional({ description: 'card profile (default: the default profile)' }) @IsOptional() @Matches(PROFILE) profile?: string;
}

export class BatchDto {
  @ApiPropertyOptional({ description: 'card profile of entries that name none' }) @IsOptional() @Matches(PROFILE) profile?: string;
  @ApiPropertyOptional({ description: 'your id for this batch: sending it again returns the first batch instead of a second one' })
  @IsOptional()
  @Matches(/^[A-Za-z0-9_.:-]{1,100}$/)
  reference?: string;
  @ApiProperty({ type: [IssueDto] })
  @IsArray()
  @ArrayMinSize(1)
  @ValidateNested({ each: true })
  @Type(() => IssueDto)
  requests!: IssueDto[];
}

export class CancelDto {
  @ApiPropertyOptional() @IsOptional() @IsString() @Length(0, 500) reason?: string;
}

export class ListDto {
  @ApiPropertyOptional() @IsOptional() @IsUUID() batch?: string;
  @ApiPropertyOptional() @IsOptional() @IsUUID() cardholder?: string;
  @ApiPropertyOptional({ enum: REQUEST_STATES }) @IsOptional() @IsIn(REQUEST_STATES as unknown as string[]) state?: string;
  @ApiPropertyOptional() @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(20000) limit?: number;
}

@ApiTags('issuance')
@ApiBearerAuth()
@Controller('api/v1')
export class IssuanceController {
  constructor(
    private readonly commands: CommandBus,
    private readonly queries: QueryBus,
  ) {}

  @Post('issuance-requests')
  @Roles('security-officer')
  @ApiOperation({ summary: 'Request a card for one cardholder; keys are generated and escrowed in the background' })
  async issue(@Body() dto: IssueDto, @CurrentActor() actor: Actor): Promise<IssuanceAccepted['requests'][number]> {
    const r = (await this.commands.execute(
      new RequestIssuanceCommand([dto], actor, { profile: dto.profile, batch: false }),
    )) as IssuanceAccepted;
    return r.requests[0];
  }

  @Post('issuance-batches')
  @Roles('security-officer')
  @ApiOperation({
    summary: 'Request cards for many cardholders in one call: all are accepted, or none and every wrong entry is named (errors[].index)',
  })
  async batch(@Body() dto: BatchDto, @CurrentActor() actor: Actor, @Res({ passthrough: true }) res: Response): Promise<IssuanceAccepted> {
    const r = (await this.commands.execute(
      new RequestIssuanceCommand(dto.requests, actor, { profile: dto.profile, reference: dto.reference, batch: true }),
    )) as IssuanceAccepted;
    res.status(r.existing ? 200 : 201);
    return r;
  }

  @Get('issuance-requests')
  @Roles('security-officer', 'help-desk', 'auditor')
  @ApiOperation({ summary: 'Requests, newest first (?batch=, ?cardholder=, ?state=)' })
  list(@Query() q: ListDto): Promise<RequestSummary[]> {
    return this.queries.execute(new ListRequestsQuery({ batchId: q.batch, cardholderId: q.cardholder, state: q.state, limit: q.limit }));
  }

  @Get('issuance-requests/:id')
  @Roles('security-officer', 'help-desk', 'auditor')
  @ApiOperation({ summary: 'A request: state, history, VSC and certificates per slot' })
  show(@Param('id', ParseUUIDPipe) id: string): Promise<RequestView> {
    return this.queries.execute(new ShowRequestQuery(id));
  }

  @Post('issuance-requests/:id/cancel')
  @Roles('security-officer')
  @HttpCode(200)
  @ApiOperation({ summary: 'Cancel a request before a card is claimed; its certificates are revoked' })
  cancel(
    @Param('id', ParseUUIDPipe) id: string,
    @Body() dto: CancelDto,
    @CurrentActor() actor: Actor,
  ): Promise<{ id: string; state: string; revoked: string[] }> {
    return this.commands.execute(new CancelRequestCommand(id, actor, dto.reason));
  }

  @Get('issuance-batches/:id')
  @Roles('security-officer', 'help-desk', 'auditor')
  @ApiOperation({ summary: 'A batch: its size and how many requests are in each state' })
  showBatch(@Param('id', ParseUUIDPipe) id: string): Promise<BatchView> {
    return this.queries.execute(new ShowBatchQuery(id));
  }
}
