import { Body, Controller, HttpCode, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { IsString, Length } from 'class-validator';
import { Roles } from '../../trust/auth/access.decorator';
import { type Actor, CurrentActor } from '../../trust/auth/principal';
import type { CardUpdateView } from '../card-update-view';
import { CancelCardUpdateCommand } from './cancel-card-update.command';

export class CancelCardUpdateDto {
  @IsString()
  @Length(1, 300)
  reason!: string;
}

@ApiTags('cards')
@ApiBearerAuth()
@Controller('api/v1/card-updates')
export class CancelCardUpdateController {
  constructor(private readonly commands: CommandBus) {}

  @Post(':id/cancel')
  @Roles('security-officer')
  @HttpCode(200)
  @ApiOperation({ summary: 'Cancel an update that never started on the card' })
  cancel(@Param('id', ParseUUIDPipe) id: string, @Body() dto: CancelCardUpdateDto, @CurrentActor() actor: Actor): Promise<CardUpdateView> {
    return this.commands.execute(new CancelCardUpdateCommand(id, dto.reason, actor));
  }
}
