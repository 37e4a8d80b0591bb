import { Body, Controller, HttpCode, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Fresh, Roles } from '../../trust/auth/access.decorator';
import { type Actor, CurrentActor } from '../../trust/auth/principal';
import type { TerminationView } from '../termination-view';
import { TerminateCardholderCommand } from './terminate-cardholder.command';
import { TerminateCardholderDto } from './terminate-cardholder.dto';

@ApiTags('cardholders')
@ApiBearerAuth()
@Controller('api/v1/cardholders')
export class TerminateCardholderController {
  constructor(private readonly commands: CommandBus) {}

  @Post(':id/termination')
  @Roles('security-officer')
  @Fresh()
  @HttpCode(200)
  @ApiOperation({
    summary:
      'Terminate a cardholder (a leaver): every certificate revoked (cessationOfOperation), cards terminated, requests, activations and the temporary card ended, VSCs disabled; escrowed keys kept for the retention period',
  })
  terminate(
    @Param('id', ParseUUIDPipe) id: string,
    @Body() dto: TerminateCardholderDto,
    @CurrentActor() actor: Actor,
  ): Promise<TerminationView> {
    return this.commands.execute(new TerminateCardholderCommand(id, dto.reason, actor));
  }
}
