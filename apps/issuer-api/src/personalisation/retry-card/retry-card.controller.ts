import { Body, Controller, HttpCode, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Roles } from '../../trust/auth/access.decorator';
import { type Actor, CurrentActor } from '../../trust/auth/principal';
import { RetryCardCommand, type RetriedView } from './retry-card.command';
import { RetryDto } from './retry-card.dto';

@ApiTags('personalisation')
@ApiBearerAuth()
@Controller('api/v1')
export class RetryCardController {
  constructor(private readonly commands: CommandBus) {}

  @Post('issuance-requests/:id/retry')
  @Roles('security-officer')
  @HttpCode(200)
  @ApiOperation({ summary: 'A failed-card request tries its card again: it waits for that card, with a fresh count of refusals' })
  retry(@Param('id', ParseUUIDPipe) id: string, @Body() dto: RetryDto, @CurrentActor() actor: Actor): Promise<RetriedView> {
    return this.commands.execute(new RetryCardCommand(id, dto.reason, actor));
  }
}
