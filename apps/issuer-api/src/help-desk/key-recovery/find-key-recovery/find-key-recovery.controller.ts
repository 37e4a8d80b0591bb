import { Controller, Get, Query } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Roles } from '../../../trust/auth/access.decorator';
import type { KeyRecoveryView } from '../key-recovery-view';
import { KeyRecoveryQuery } from './find-key-recovery.dto';
import { FindKeyRecoveryQuery } from './find-key-recovery.query';

@ApiTags('help desk')
@ApiBearerAuth()
@Controller('api/v1/key-recoveries')
export class FindKeyRecoveryController {
  constructor(private readonly queries: QueryBus) {}

  @Get()
  @Roles('security-officer', 'auditor')
  @ApiOperation({ summary: 'The key recovery an approval made' })
  byApproval(@Query() q: KeyRecoveryQuery): Promise<KeyRecoveryView> {
    return this.queries.execute(new FindKeyRecoveryQuery(q.approval));
  }
}
