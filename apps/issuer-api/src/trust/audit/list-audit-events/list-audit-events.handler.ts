import { Inject } from '@nestjs/common';
import { type IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import type { AuditRecord } from '@scm/audit';
import { ApiAuditSequencer } from '../../../platform/infra/audit-sequencer.repository';
import { AUDIT_REPOSITORY, type AuditRepository } from '../audit.repository';
import { ListAuditEventsQuery } from './list-audit-events.query';

@QueryHandler(ListAuditEventsQuery)
export class ListAuditEventsHandler implements IQueryHandler<ListAuditEventsQuery> {
  constructor(
    @Inject(AUDIT_REPOSITORY) private readonly audit: AuditRepository,
    @Inject(ApiAuditSequencer) private readonly sequencer: Pick<ApiAuditSequencer, 'settle'>,
  ) {}

  async execute(q: ListAuditEventsQuery): Promise<{ events: AuditRecord[] }> {
    // The list shows chained events: every event committed before the request is chained first.
    await this.sequencer.settle().catch(() => undefined);
    return { events: await this.audit.events(q.filter) };
  }
}
