import { Controller, Get, Param, ParseUUIDPipe } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Roles } from '../../../trust/auth/access.decorator';
import { ShowVscQuery, type VscView } from './show-vsc.query';

@ApiTags('vsc')
@ApiBearerAuth()
@Controller('api/v1/vscs')
export class ShowVscController {
  constructor(private readonly queries: QueryBus) {}

  @Get(':id')
  @Roles('security-officer', 'help-desk', 'auditor')
  @ApiOperation({ summary: 'A managed VSC: its state and its sealed versions (hashes, HSM keys, escrow time; never content)' })
  get(@Param('id', ParseUUIDPipe) id: string): Promise<VscView> {
    return this.queries.execute(new ShowVscQuery(id));
  }
}
