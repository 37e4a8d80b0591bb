import { Controller, Get, Param, ParseUUIDPipe } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Roles } from '../../../trust/auth/access.decorator';
import type { KeyRecoveryView } from '../key-recovery-view';
import { ShowKeyRecoveryQuery } from './show-key-recovery.query';

@ApiTags('help desk')
@ApiBearerAuth()
@Controller('api/v1/key-recoveries')
export class ShowKeyRecoveryController {
  constructor(private readonly queries: QueryBus) {}

  @Get(':id')
  @Roles('security-officer', 'auditor')
  @ApiOperation({ summary: 'A key recovery: its state and, once delivered, which keys went out (never the keys)' })
  get(@Param('id', ParseUUIDPipe) id: string): Promise<KeyRecoveryView> {
    return this.queries.execute(new ShowKeyRecoveryQuery(id));
  }
}
