import { Controller, Get } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { VerifyReport } from '@scm/audit';
import { Roles } from '../../auth/access.decorator';
import { VerifyAuditChainQuery } from './verify-audit-chain.query';

@ApiTags('audit')
@ApiBearerAuth()
@Controller('api/v1/audit')
export class VerifyAuditChainController {
  constructor(private readonly queries: QueryBus) {}

  @Get('verify')
  @Roles('auditor', 'admin')
  @ApiOperation({ summary: 'Walk the whole chain against the signed checkpoints; names the first broken link' })
  verify(): Promise<VerifyReport> {
    return this.queries.execute(new VerifyAuditChainQuery());
  }
}
