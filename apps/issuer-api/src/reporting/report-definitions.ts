import type { DataSource } from 'typeorm';

export interface ReportFilter {
  from?: Date;
  to?: Date;
  /** A username, or an actor id such as user:<uuid> or worker:<uuid>. */
  actor?: string;
}

export interface ReportColumn {
  key: string;
  title: string;
}

export type ReportRow = Record<string, string | number | null>;

export interface ReportDefinition {
  name: string;
  title: string;
  description: string;
  columns: ReportColumn[];
  run(db: DataSource, f: ReportFilter): Promise<ReportRow[]>;
}

/** WHERE fragments shared by the audit-based reports: period and actor. */
function auditWhere(f: ReportFilter, params: unknown[], col = 'e'): string {
  const w: string[] = [];
  if (f.from) w.push(`${col}.at >= $${params.push(f.from)}`);
  if (f.to) w.push(`${col}.at < $${params.push(f.to)}`);
  if (f.actor) w.push(`(${col}.actor = $${params.push(f.actor)} OR ${col}.actor_name = $${params.length})`);
  return w.length ? ` AND ${w.join(' AND ')}` : '';
}

const iso = (d: unknown): string | null => (d instanceof Date ? d.toISOString() : d === null || d === undefined ? null : String(d));

/** The auditor's reports. Each reads the system of record (domain tables and the audit chain). */
export const REPORTS: ReportDefinition[] = [
  {
    name: 'issuance',
    title: 'Issuance by period, officer and profile',
    description: 'Issuance requests per day, requesting officer and card profile, with how they ended',
    columns: [
      { key: 'day', title: 'Day' },
      { key: 'officer', title: 'Officer' },
      { key: 'profile', title: 'Profile' },
      { key: 'requested', title: 'Requested' },
      { key: 'issued', title: 'Issued' },
      { key: 'failed', title: 'Failed' },
      { key: 'cancelled', title: 'Cancelled' },
      { key: 'open', title: 'Open' },
    ],
    async run(db, f) {
      const params: unknown[] = [];
      const w: string[] = [];
      if (f.from) w.push(`r.created_at >= $${params.push(f.from)}`);
      if (f.to) w.push(`r.created_at < $${params.push(f.to)}`);
      if (f.actor) w.push(`(r.created_by = $${params.push(f.actor)} OR u.username = $${params.length})`);
      const rows = (await db.query(
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
      )) as ReportRow[];
      return rows;
    },
  },
  {
    name: 'reissues',
    title: 'Card reports and reissues, with their reasons',
    description: 'Cards reported lost, stolen, damaged or left at home, and the reissues that followed',
    columns: [
      { key: 'at', title: 'When' },
      { key: 'action', title: 'What' },
      { key: 'card', title: 'Card' },
      { key: 'reason', title: 'Reason' },
      { key: 'by', title: 'By' },
      { key: 'outcome', title: 'Outcome' },
    ],
    async run(db, f) {
      const params: unknown[] = [];
      const rows = (await db.query(
        `SELECT e.at, e.action, e.target_id AS card, COALESCE(e.details->>'reason', '') AS reason, COALESCE(e.actor_name, e.actor) AS by, e.outcome
           FROM audit_event e
          WHERE (e.action = 'card.reported' OR e.action LIKE 'card.reissue%')${auditWhere(f, params)}
          ORDER BY e.seq`,
        params,
      )) as Array<Record<string, unknown>>;
      return rows.map((r) => ({ ...r, at: iso(r.at) }) as ReportRow);
    },
  },
  {
    name: 'recoveries',
    title: 'Recoveries under dual control, with their approvers',
    description: 'Every executed dual-control request other than role grants: who asked, who approved, what',
    columns: [
      { key: 'at', title: 'Executed' },
      { key: 'kind', title: 'Kind' },
      { key: 'request', title: 'Approval request' },
      { key: 'requestedBy', title: 'Requested by' },
      { key: 'approvers', title: 'Approved by' },
      { key: 'subject', title: 'Subject' },
    ],
    async run(db, f) {
      const params: unknown[] = [];
      const rows = (await db.query(
        `SELECT e.at, e.details->>'kind' AS kind, e.target_id AS request,
                (SELECT u.username FROM approval_request q JOIN app_user u ON u.id = q.requested_by WHERE q.id::text = e.target_id) AS "requestedBy",
                (SELECT string_agg(u.username, ', ' ORDER BY a.decided_at) FROM approval a JOIN app_user u ON u.id = a.approver_id
                  WHERE a.request_id::text = e.target_id AND a.decision = 'approve') AS approvers,
                (SELECT q.subject::text FROM approval_request q WHERE q.id::text = e.target_id) AS subject
           FROM audit_event e
          WHERE e.action = 'approval.executed' AND e.details->>'kind' <> 'role-grant'${auditWhere(f, params)}
          ORDER BY e.seq`,
        params,
      )) as Array<Record<string, unknown>>;
      return rows.map((r) => ({ ...r, at: iso(r.at) }) as ReportRow);
    },
  },
  {
    name: 'temporary-cards',
    title: 'Temporary cards activated',
    description: 'Temporary cards (VSCs from escrow) put into cardholders’ hands, and when they expire',
    columns: [
      { key: 'at', title: 'Activated' },
      { key: 'vsc', title: 'Temporary card' },
      { key: 'cardholder', title: 'Cardholder' },
      { key: 'expires', title: 'Expires' },
      { key: 'by', title: 'By' },
    ],
    async run(db, f) {
      const params: unknown[] = [];
      const rows = (await db.query(
        `SELECT e.at, e.target_id AS vsc, e.details->>'cardholder' AS cardholder, e.details->>'expiresAt' AS expires, COALESCE(e.actor_name, e.actor) AS by
           FROM audit_event e
          WHERE e.action = 'temporary-card.activated' AND e.outcome = 'success'${auditWhere(f, params)}
          ORDER BY e.seq`,
        params,
      )) as Array<Record<string, unknown>>;
      return rows.map((r) => ({ ...r, at: iso(r.at) }) as ReportRow);
    },
  },
  {
    name: 'failed-attempts',
    title: 'Failed PIN and login attempts',
    description: 'Refused log-ins and password confirmations, and wrong PINs and PUKs seen by SCM',
    columns: [
      { key: 'at', title: 'When' },
      { key: 'action', title: 'What' },
      { key: 'who', title: 'Account or card' },
      { key: 'reason', title: 'Reason' },
      { key: 'outcome', title: 'Outcome' },
    ],
    async run(db, f) {
      const params: unknown[] = [];
      const rows = (await db.query(
        `SELECT e.at, e.action, COALESCE(e.details->>'username', e.actor_name, e.target_id) AS who, COALESCE(e.details->>'reason', '') AS reason, e.outcome
           FROM audit_event e
          WHERE e.outcome IN ('failure', 'denied')
            AND (e.action IN ('auth.login', 'auth.reauth') OR e.action LIKE '%pin%' OR e.action LIKE '%puk%')${auditWhere(f, params)}
          ORDER BY e.seq`,
        params,
      )) as Array<Record<string, unknown>>;
      return rows.map((r) => ({ ...r, at: iso(r.at) }) as ReportRow);
    },
  },
  {
    name: 'archive-volumes',
    title: 'Archive volumes',
    description: 'Sealed write-once volumes: their chain, contents and the audit head each carries',
    columns: [
      { key: 'volume', title: 'Volume' },
      { key: 'created', title: 'Sealed' },
      { key: 'entries', title: 'VSC files' },
      { key: 'imageSha256', title: 'Image SHA-256' },
      { key: 'previousSha256', title: 'Previous image' },
      { key: 'auditSeq', title: 'Audit head' },
    ],
    async run(db, f) {
      const params: unknown[] = [];
      const w: string[] = [];
      if (f.from) w.push(`created_at >= $${params.push(f.from)}`);
      if (f.to) w.push(`created_at < $${params.push(f.to)}`);
      const rows = (await db.query(
        `SELECT volume, created_at, entries, encode(image_sha256, 'hex') AS image, encode(previous_sha256, 'hex') AS previous, audit_seq
           FROM archive_volume ${w.length ? `WHERE ${w.join(' AND ')}` : ''} ORDER BY volume`,
        params,
      )) as Array<{ volume: number; created_at: Date; entries: number; image: string; previous: string | null; audit_seq: string }>;
      return rows.map((r) => ({
        volume: r.volume,
        created: iso(r.created_at),
        entries: r.entries,
        imageSha256: r.image,
        previousSha256: r.previous,
        auditSeq: Number(r.audit_seq),
      }));
    },
  },
];
