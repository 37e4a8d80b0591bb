import { Query } from '@nestjs/cqrs';
import type { AuditRecord } from '@scm/audit';
import type { AuditEventFilter } from '../audit.repository';

/** Audit events in chain order, filtered by position, time, actor and action (the auditor's export, page by page). */
export class ListAuditEventsQuery extends Query<{ events: AuditRecord[] }> {
  constructor(readonly filter: AuditEventFilter) {
    super();
  }
}
