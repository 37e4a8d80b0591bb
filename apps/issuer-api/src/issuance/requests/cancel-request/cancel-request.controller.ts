import { Body, Controller, HttpCode, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Roles } from '../../../trust/auth/access.decorator';
import { type Actor, CurrentActor } from '../../../trust/auth/principal';
import { CancelRequestCommand, type CancelledRequest } from './cancel-request.command';
import { CancelDto } from './cancel-request.dto';

@ApiTags('issuance')
@ApiBearerAuth()
@Controller('api/v1')
export class CancelRequestController {
  constructor(private readonly commands: CommandBus) {}

  @Post('issuance-requests/:id/cancel')
  @Roles('security-officer')
  @HttpCode(200)
  @ApiOperation({ summary: 'Cancel a request before a card is claimed; its certificates are revoked' })
  cancel(@Param('id', ParseUUIDPipe) id: string, @Body() dto: CancelDto, @CurrentActor() actor: Actor): Promise<CancelledRequest> {
    return this.commands.execute(new CancelRequestCommand(id, actor, dto.reason));
  }
}
