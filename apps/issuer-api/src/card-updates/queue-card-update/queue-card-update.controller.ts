import { Body, Controller, Get, Param, Post } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Fresh, Roles } from '../../trust/auth/access.decorator';
import { type Actor, CurrentActor } from '../../trust/auth/principal';
import type { CardUpdateView } from '../card-update-view';
import { ListCardUpdatesQuery } from '../list-card-updates/list-card-updates.query';
import { QueueCardUpdateCommand } from './queue-card-update.command';
import { QueueCardUpdateDto } from './queue-card-update.dto';

@ApiTags('cards')
@ApiBearerAuth()
@Controller('api/v1/cards/:serial/updates')
export class QueueCardUpdateController {
  constructor(
    private readonly commands: CommandBus,
    private readonly queries: QueryBus,
  ) {}

  @Post()
  @Roles('security-officer')
  @Fresh()
  @ApiOperation({
    summary: 'Queue an update (renew, rekey SLOT, put-object) for an issued or active card; it runs when the card is next in a reader',
  })
  queue(@Param('serial') serial: string, @Body() dto: QueueCardUpdateDto, @CurrentActor() actor: Actor): Promise<CardUpdateView> {
    return this.commands.execute(
      new QueueCardUpdateCommand(
        serial,
        dto.kind,
        dto.reason,
        {
          ...(dto.slot ? { slot: dto.slot } : {}),
          ...(dto.tag ? { tag: parseInt(dto.tag, 16) } : {}),
          ...(dto.value ? { value: Buffer.from(dto.value, 'base64') } : {}),
        },
        actor,
      ),
    );
  }

  @Get()
  @Roles('security-officer', 'help-desk', 'auditor')
  @ApiOperation({ summary: "A card's updates, oldest first (a pending renewal says so)" })
  list(@Param('serial') serial: string): Promise<CardUpdateView[]> {
    return this.queries.execute(new ListCardUpdatesQuery(serial));
  }
}
