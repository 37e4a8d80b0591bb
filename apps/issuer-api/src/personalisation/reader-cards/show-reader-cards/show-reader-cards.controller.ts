import { Controller, Get } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Roles } from '../../../trust/auth/access.decorator';
import { type ReaderCardView, ShowReaderCardsQuery } from './show-reader-cards.query';

@ApiTags('personalisation')
@ApiBearerAuth()
@Controller('api/v1')
export class ShowReaderCardsController {
  constructor(private readonly queries: QueryBus) {}

  @Get('personalisation/reader-cards')
  @Roles('security-officer', 'help-desk', 'admin', 'auditor')
  @ApiOperation({ summary: 'Per workstation and reader, the card SCM last worked on there, with its request, cardholder and state' })
  list(): Promise<ReaderCardView[]> {
    return this.queries.execute(new ShowReaderCardsQuery());
  }
}
