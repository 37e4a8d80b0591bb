import { Body, Controller, Post } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Roles } from '../../../trust/auth/access.decorator';
import { type Actor, CurrentActor } from '../../../trust/auth/principal';
import type { CardholderView, PendingApproval } from '../cardholder';
import { CreateCardholderCommand } from './create-cardholder.command';
import { CardholderDto } from './create-cardholder.dto';

@ApiTags('cardholders')
@ApiBearerAuth()
@Controller('api/v1/cardholders')
export class CreateCardholderController {
  constructor(private readonly commands: CommandBus) {}

  @Post()
  @Roles('security-officer')
  @ApiOperation({ summary: 'Register a cardholder; a second officer approves the registration (approval in the answer)' })
  create(@Body() dto: CardholderDto, @CurrentActor() actor: Actor): Promise<CardholderView & { approval?: PendingApproval }> {
    return this.commands.execute(new CreateCardholderCommand(dto, actor));
  }
}
