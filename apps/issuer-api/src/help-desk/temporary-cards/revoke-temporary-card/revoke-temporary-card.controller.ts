import { Body, Controller, HttpCode, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Fresh, Roles } from '../../../trust/auth/access.decorator';
import { type Actor, CurrentActor } from '../../../trust/auth/principal';
import type { TemporaryCardView } from '../temporary-card-view';
import { RevokeTemporaryCardCommand } from './revoke-temporary-card.command';
import { RevokeTemporaryCardDto } from './revoke-temporary-card.dto';

@ApiTags('help desk')
@ApiBearerAuth()
@Controller('api/v1/temporary-cards')
export class RevokeTemporaryCardController {
  constructor(private readonly commands: CommandBus) {}

  @Post(':id/revoke')
  @Roles('help-desk', 'security-officer')
  @Fresh()
  @HttpCode(200)
  @ApiOperation({ summary: 'Revoke a temporary card: its certificates (cessationOfOperation), its host stops serving it' })
  revoke(
    @Param('id', ParseUUIDPipe) id: string,
    @Body() dto: RevokeTemporaryCardDto,
    @CurrentActor() actor: Actor,
  ): Promise<TemporaryCardView> {
    return this.commands.execute(new RevokeTemporaryCardCommand(id, dto.reason, actor));
  }
}
