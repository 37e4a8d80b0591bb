import { Controller, Get, Query } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Roles } from '../../auth/access.decorator';
import { ApprovalListQuery } from './list-approvals.dto';
import { ListApprovalsQuery, type ApprovalView } from './list-approvals.query';

@ApiTags('approvals')
@ApiBearerAuth()
@Controller('api/v1/approvals')
export class ListApprovalsController {
  constructor(private readonly queries: QueryBus) {}

  @Get()
  @Roles('security-officer', 'admin', 'auditor', 'help-desk')
  @ApiOperation({ summary: 'Approval requests (default: pending), with their subject and subject hash' })
  list(@Query() q: ApprovalListQuery): Promise<ApprovalView[]> {
    return this.queries.execute(new ListApprovalsQuery(q.status ?? 'pending'));
  }
}
