import { Controller, Get } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { ReconciliationReport } from '@scm/archive';
import { Roles } from '../../trust/auth/access.decorator';
import { ReconcileArchiveQuery } from './reconcile-archive.query';

@ApiTags('archive')
@ApiBearerAuth()
@Controller('api/v1/archive')
export class ReconcileArchiveController {
  constructor(private readonly queries: QueryBus) {}

  @Get('reconciliation')
  @Roles('security-officer', 'auditor')
  @ApiOperation({
    summary: 'Every issued card has each escrowed version of its VSC in exactly one sealed volume: cards missing (or twice) listed',
  })
  reconcile(): Promise<ReconciliationReport> {
    return this.queries.execute(new ReconcileArchiveQuery());
  }
}
