import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { IsInt, IsOptional, Max, Min } from 'class-validator';
import { Roles } from '../../trust/auth/access.decorator';
import { type Actor, CurrentActor } from '../../trust/auth/principal';
import { type ExpirySweepResult, SweepCardExpiryCommand } from './sweep-card-expiry.command';

export class SweepCardExpiryDto {
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(3650)
  withinDays?: number;
}

/** The renewal window of the daily sweep (days before the certificates end). */
export const RENEWAL_WINDOW_DAYS = 30;

@ApiTags('cards')
@ApiBearerAuth()
@Controller('api/v1/card-updates')
export class SweepCardExpiryController {
  constructor(private readonly commands: CommandBus) {}

  @Post('expiry-sweep')
  @Roles('security-officer')
  @HttpCode(200)
  @ApiOperation({ summary: 'Run the daily expiry sweep now: expire cards past their end, queue renewals within the window' })
  sweep(@Body() dto: SweepCardExpiryDto, @CurrentActor() actor: Actor): Promise<ExpirySweepResult> {
    return this.commands.execute(new SweepCardExpiryCommand(dto.withinDays ?? RENEWAL_WINDOW_DAYS, actor));
  }
}
