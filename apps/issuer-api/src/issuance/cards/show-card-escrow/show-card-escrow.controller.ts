import { Controller, Get, Param, ParseUUIDPipe } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Roles } from '../../../trust/auth/access.decorator';
import { type CardEscrowVersion, ShowCardEscrowQuery } from './show-card-escrow.query';

@ApiTags('cards')
@ApiBearerAuth()
@Controller('api/v1/cards')
export class ShowCardEscrowController {
  constructor(private readonly queries: QueryBus) {}

  @Get(':id/escrow')
  @Roles('security-officer', 'help-desk', 'auditor')
  @ApiOperation({ summary: "A card's VSC versions (hashes, never content) and the archive volume holding each" })
  escrow(@Param('id', ParseUUIDPipe) id: string): Promise<CardEscrowVersion[]> {
    return this.queries.execute(new ShowCardEscrowQuery(id));
  }
}
