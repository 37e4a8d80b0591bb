import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Fresh, Roles } from '../../../trust/auth/access.decorator';
import { type Actor, CurrentActor } from '../../../trust/auth/principal';
import type { CardReportView } from '../card-report';
import { CardFoundCommand } from './card-found.command';
import { CardFoundDto } from './card-found.dto';

@ApiTags('help desk')
@ApiBearerAuth()
@Controller('api/v1/card-reports')
export class CardFoundController {
  constructor(private readonly commands: CommandBus) {}

  @Post('found')
  @Roles('help-desk', 'security-officer')
  @Fresh()
  @HttpCode(200)
  @ApiOperation({ summary: 'The reported card is back: a hold is lifted (removeFromCRL), temporary cards standing in for it are revoked' })
  found(@Body() dto: CardFoundDto, @CurrentActor() actor: Actor): Promise<CardReportView> {
    return this.commands.execute(new CardFoundCommand(dto.card, dto.comment, actor));
  }
}
