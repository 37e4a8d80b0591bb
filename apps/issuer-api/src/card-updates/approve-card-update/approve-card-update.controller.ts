import { Controller, HttpCode, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Fresh, Roles } from '../../trust/auth/access.decorator';
import { type Actor, CurrentActor } from '../../trust/auth/principal';
import type { CardUpdateView } from '../card-update-view';
import { ApproveCardUpdateCommand } from './approve-card-update.command';

@ApiTags('cards')
@ApiBearerAuth()
@Controller('api/v1/card-updates')
export class ApproveCardUpdateController {
  constructor(private readonly commands: CommandBus) {}

  @Post(':id/approve')
  @Roles('security-officer')
  @Fresh()
  @HttpCode(200)
  @ApiOperation({ summary: 'Approve a queued renewal: it runs when the card is next in a reader' })
  approve(@Param('id', ParseUUIDPipe) id: string, @CurrentActor() actor: Actor): Promise<CardUpdateView> {
    return this.commands.execute(new ApproveCardUpdateCommand(id, actor));
  }
}
