import { Body, Controller, Post, Res } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { Roles } from '../../../trust/auth/access.decorator';
import { type Actor, CurrentActor } from '../../../trust/auth/principal';
import { type IssuanceAccepted, RequestIssuanceCommand } from './request-issuance.command';
import { BatchDto, IssueDto } from './request-issuance.dto';

/** Issuance for one cardholder, or for many in one call (the same use case, two routes). */
@ApiTags('issuance')
@ApiBearerAuth()
@Controller('api/v1')
export class RequestIssuanceController {
  constructor(private readonly commands: CommandBus) {}

  @Post('issuance-requests')
  @Roles('security-officer')
  @ApiOperation({ summary: 'Request a card for one cardholder; keys are generated and escrowed in the background' })
  async issue(@Body() dto: IssueDto, @CurrentActor() actor: Actor): Promise<IssuanceAccepted['requests'][number]> {
    const r = await this.commands.execute(new RequestIssuanceCommand([dto], actor, { profile: dto.profile, batch: false }));
    return r.requests[0];
  }

  @Post('issuance-batches')
  @Roles('security-officer')
  @ApiOperation({
    summary: 'Request cards for many cardholders in one call: all are accepted, or none and every wrong entry is named (errors[].index)',
  })
  async batch(@Body() dto: BatchDto, @CurrentActor() actor: Actor, @Res({ passthrough: true }) res: Response): Promise<IssuanceAccepted> {
    const r = await this.commands.execute(
      new RequestIssuanceCommand(dto.requests, actor, { profile: dto.profile, reference: dto.reference, batch: true }),
    );
    res.status(r.existing ? 200 : 201);
    return r;
  }
}
