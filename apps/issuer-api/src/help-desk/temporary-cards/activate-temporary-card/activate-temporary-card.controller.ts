import { Body, Controller, HttpCode, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Fresh, Roles } from '../../../trust/auth/access.decorator';
import { type Actor, CurrentActor } from '../../../trust/auth/principal';
import type { TemporaryCardView } from '../temporary-card-view';
import { ActivateTemporaryCardCommand } from './activate-temporary-card.command';
import { ActivateTemporaryCardDto } from './activate-temporary-card.dto';

@ApiTags('help desk')
@ApiBearerAuth()
@Controller('api/v1/temporary-cards')
export class ActivateTemporaryCardController {
  constructor(private readonly commands: CommandBus) {}

  @Post(':id/activate')
  @Roles('help-desk', 'security-officer')
  @Fresh()
  @HttpCode(200)
  @ApiOperation({ summary: 'After an identity check, the PIN the cardholder chose (as its Argon2id output) becomes the temporary card’s' })
  activate(
    @Param('id', ParseUUIDPipe) id: string,
    @Body() dto: ActivateTemporaryCardDto,
    @CurrentActor() actor: Actor,
  ): Promise<TemporaryCardView> {
    return this.commands.execute(
      new ActivateTemporaryCardCommand(id, Buffer.from(dto.salt, 'base64'), Buffer.from(dto.kdfOutput, 'base64'), dto.identityCheck, actor),
    );
  }
}
