import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { ArchiveVolumeEntity } from '@scm/db';
import { And, type DataSource, type FindOperator, LessThan, MoreThanOrEqual } from 'typeorm';
import type {
  CardReportEvent,
  ExecutedApproval,
  ExpiringCertificate,
  FailedAttempt,
  IssuanceSummary,
  ReportFilter,
  ReportViewsRepository,
  TemporaryCardActivation,
} from './report-views.repository';

/** AND-ed conditions on the audit chain (alias e) for the period and actor of a report. */
function auditWhere(f: ReportFilter, params: unknown[], col = 'e'): string {
  // Only events placed in the chain (the sequencer chains a commit's events right after it).
  const w: string[] = [`${col}.seq IS NOT NULL`];
  if (f.from) w.push(`${col}.at >= $${params.push(f.from)}`);
  if (f.to) w.push(`${col}.at < $${params.push(f.to)}`);
  if (f.actor) w.push(`(${col}.actor = $${params.push(f.actor)} OR ${col}.actor_name = $${params.length})`);
  return ` AND ${w.join(' AND ')}`;
}

/**
 * The reports' queries. They aggregate (FILTER, string_agg), read jsonb details and correlate the
 * audit chain with approvals, so they are SQL; each answers its view's camelCase columns.
 */
@Injectable()
export class PgReportViewsRepository implements ReportViewsRepository {
  constructor(@InjectDataSource() private readonly ds: DataSource) {}

  issuance(f: ReportFilter): Promise<IssuanceSummary[]> {
    const params: unknown[] = [];
    const w: string[] = [];
    if (f.from) w.push(`r.created_at >= $${params.push(f.from)}`);
    if (f.to) w.push(`r.created_at < $${params.push(f.to)}`);
    if (f.actor) w.push(`(r.created_by = $${params.push(f.actor)} OR u.username = $${params.length})`);
    return this.ds.query<IssuanceSummary[]>(
      `SELECT to_char(date_trunc('day', r.created_at AT TIME ZONE 'UTC'), 'YYYY-MM-DD') AS day,
              COALESCE(u.username, r.created_by) AS officer, r.profile_id AS profile,
              count(*)::int AS requested,
              count(*) FILTER (WHERE r.state = 'issued')::int AS issued,
              count(*) FILTER (WHERE r.state = 'failed')::int AS failed,
              count(*) FILTER (WHERE r.state = 'cancelled')::int AS cancelled,
              count(*) FILTER (WHERE r.state NOT IN ('issued', 'failed', 'cancelled'))::int AS open
         FROM issuance_request r
         LEFT JOIN app_user u ON r.created_by = 'user:' || u.id::text
        ${w.length ? `WHERE ${w.join(' AND ')}` : ''}
        GROUP BY 1, 2, 3 ORDER BY 1, 2, 3`,
      params,
    );
  }

  cardReportsAndReissues(f: ReportFilter): Promise<CardReportEvent[]> {
    const params: unknown[] = [];
    return this.ds.query<CardReportEvent[]>(
      `SELECT e.at, e.action, e.target_id AS card, COALESCE(e.details->>'reason', '') AS reason, COALESCE(e.actor_name, e.actor) AS by, e.outcome
         FROM audit_event e
        WHERE (e.action = 'card.reported' OR e.action LIKE 'card.reissue%')${auditWhere(f, params)}
        ORDER BY e.seq`,
      params,
    );
  }

  executedApprovals(f: ReportFilter): Promise<ExecutedApproval[]> {
    const params: unknown[] = [];
    return this.ds.query<ExecutedApproval[]>(
      `SELECT e.at, e.details->>'kind' AS kind, e.target_id AS request,
              (SELECT u.username FROM approval_request q JOIN app_user u ON u.id = q.requested_by WHERE q.id::text = e.target_id) AS "requestedBy",
              (SELECT string_agg(u.username, ', ' ORDER BY a.decided_at) FROM approval a JOIN app_user u ON u.id = a.approver_id
                WHERE a.request_id::text = e.target_id AND a.decision = 'approve') AS approvers,
              (SELECT q.subject::text FROM approval_request q WHERE q.id::text = e.target_id) AS subject
         FROM audit_event e
        WHERE e.action = 'approval.executed' AND e.details->>'kind' <> 'role-grant'${auditWhere(f, params)}
        ORDER BY e.seq`,
      params,
    );
  }

  temporaryCardActivations(f: ReportFilter): Promise<TemporaryCardActivation[]> {
    const params: unknown[] = [];
    return this.ds.query<TemporaryCardActivation[]>(
      `SELECT e.at, e.target_id AS vsc, e.details->>'cardholder' AS cardholder, e.details->>'expiresAt' AS expires, COALESCE(e.actor_name, e.actor) AS by
         FROM audit_event e
        WHERE e.action = 'temporary-card.activated' AND e.outcome = 'success'${auditWhere(f, params)}
        ORDER BY e.seq`,
      params,
    );
  }

  failedAttempts(f: ReportFilter): Promise<FailedAttempt[]> {
    const params: unknown[] = [];
    return this.ds.query<FailedAttempt[]>(
      `SELECT e.at, e.action, COALESCE(e.details->>'username', e.actor_name, e.target_id) AS who, COALESCE(e.details->>'reason', '') AS reason, e.outcome
         FROM audit_event e
        WHERE e.outcome IN ('failure', 'denied')
          AND (e.action IN ('auth.login', 'auth.reauth') OR e.action LIKE '%pin%' OR e.action LIKE '%puk%')${auditWhere(f, params)}
        ORDER BY e.seq`,
      params,
    );
  }

  archiveVolumes(f: ReportFilter): Promise<ArchiveVolumeEntity[]> {
    const period: Array<FindOperator<Date>> = [];
    if (f.from) period.push(MoreThanOrEqual(f.from));
    if (f.to) period.push(LessThan(f.to));
    return this.ds.manager.find(ArchiveVolumeEntity, {
      where: period.length ? { createdAt: period.length === 1 ? period[0] : And(...period) } : {},
      order: { volume: 'ASC' },
    });
  }

  expiring(f: ReportFilter): Promise<ExpiringCertificate[]> {
    const from = f.from ?? new Date();
    const to = f.to ?? new Date(from.getTime() + 30 * 86_400_000);
    return this.ds.query<ExpiringCertificate[]>(
      `SELECT cc.not_after AS "notAfter", cc.serial AS certificate, cc.reference->>'slot' AS slot, c.serial AS card,
              c.state AS "cardState", h.name AS cardholder,
              (SELECT u.kind || ':' || u.state FROM card_update u
                WHERE u.card_id = c.id AND u.state IN ('awaiting-approval', 'pending', 'running')) AS renewal
         FROM ca_certificate cc
         JOIN card c ON c.request_id::text = cc.reference->>'requestId'
         LEFT JOIN cardholder h ON h.id = c.cardholder_id
        WHERE cc.status = 'valid' AND c.state IN ('issued', 'active', 'suspended')
          AND cc.not_after >= $1 AND cc.not_after < $2
        ORDER BY cc.not_after, cc.serial`,
      [from, to],
    );
  }
}
