import { Controller, Get, Query } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { AuditRecord } from '@scm/audit';
import { Roles } from '../../auth/access.decorator';
import { AuditQueryDto } from './list-audit-events.dto';
import { ListAuditEventsQuery } from './list-audit-events.query';

@ApiTags('audit')
@ApiBearerAuth()
@Controller('api/v1/audit')
export class ListAuditEventsController {
  constructor(private readonly queries: QueryBus) {}

  @Get('events')
  @Roles('auditor')
  @ApiOperation({ summary: 'Audit events in chain order, filtered by time, actor (user:<id>, worker:<id> or a name) and action' })
  events(@Query() q: AuditQueryDto): Promise<{ events: AuditRecord[] }> {
    const { from, to, actor, action } = q;
    return this.queries.execute(new ListAuditEventsQuery({ afterSeq: q.afterSeq ?? 0, from, to, actor, action, limit: q.limit ?? 200 }));
  }
}
