import { Body, Controller, HttpCode, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Roles } from '../../trust/auth/access.decorator';
import { type Actor, CurrentActor } from '../../trust/auth/principal';
import { ReassignRequestCommand, type ReassignedView } from './reassign-request.command';
import { ReassignDto } from './reassign-request.dto';

@ApiTags('personalisation')
@ApiBearerAuth()
@Controller('api/v1')
export class ReassignRequestController {
  constructor(private readonly commands: CommandBus) {}

  @Post('issuance-requests/:id/reassign')
  @Roles('security-officer')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Move a request bound to a card to another approved worker (the card then goes into one of its readers); audited',
  })
  reassign(@Param('id', ParseUUIDPipe) id: string, @Body() dto: ReassignDto, @CurrentActor() actor: Actor): Promise<ReassignedView> {
    return this.commands.execute(new ReassignRequestCommand(id, dto.workerId, dto.reason, actor));
  }
}
