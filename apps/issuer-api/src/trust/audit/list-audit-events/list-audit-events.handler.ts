import { Inject } from '@nestjs/common';
import { type IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import type { AuditRecord } from '@scm/audit';
import { AUDIT_REPOSITORY, type AuditRepository } from '../audit.repository';
import { ListAuditEventsQuery } from './list-audit-events.query';

@QueryHandler(ListAuditEventsQuery)
export class ListAuditEventsHandler implements IQueryHandler<ListAuditEventsQuery> {
  constructor(@Inject(AUDIT_REPOSITORY) private readonly audit: AuditRepository) {}

  async execute(q: ListAuditEventsQuery): Promise<{ events: AuditRecord[] }> {
    return { events: await this.audit.events(q.filter) };
  }
}
