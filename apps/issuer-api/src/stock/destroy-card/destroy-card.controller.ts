import { Body, Controller, HttpCode, Param, Post } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Roles } from '../../trust/auth/access.decorator';
import { type Actor, CurrentActor } from '../../trust/auth/principal';
import { DestroyStockCardCommand } from './destroy-card.command';
import { DestroyStockCardDto } from './destroy-card.dto';

@ApiTags('stock')
@ApiBearerAuth()
@Controller('api/v1/stock/cards')
export class DestroyStockCardController {
  constructor(private readonly commands: CommandBus) {}

  @Post(':serial/destroy')
  @Roles('security-officer')
  @HttpCode(200)
  @ApiOperation({ summary: 'Record a stock card (in stock or spoiled) destroyed' })
  destroy(
    @Param('serial') serial: string,
    @Body() dto: DestroyStockCardDto,
    @CurrentActor() actor: Actor,
  ): Promise<{ serial: string; state: 'destroyed' }> {
    return this.commands.execute(new DestroyStockCardCommand(serial, dto.reason, actor));
  }
}
