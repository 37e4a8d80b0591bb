import type { ArchiveVolumeEntity } from '@scm/db';

/** What a report covers: a period [from, to) and, for the reports that have one, an actor. */
export interface ReportFilter {
  from?: Date;
  to?: Date;
  /** A username, or an actor id such as user:<uuid> or worker:<uuid>. */
  actor?: string;
}

/** Issuance requests of one day, officer and card profile, by how they ended. */
export interface IssuanceSummary {
  day: string;
  officer: string;
  profile: string;
  requested: number;
  issued: number;
  failed: number;
  cancelled: number;
  open: number;
}

/** A card report or reissue step, from the audit chain. */
export interface CardReportEvent {
  at: Date;
  action: string;
  card: string | null;
  reason: string;
  by: string;
  outcome: string;
}

/** An executed dual-control request (other than a role grant), with who asked and who approved. */
export interface ExecutedApproval {
  at: Date;
  kind: string | null;
  request: string | null;
  requestedBy: string | null;
  /** Approvers' usernames, in the order they decided, comma-separated. */
  approvers: string | null;
  /** The approved subject, as JSON text. */
  subject: string | null;
}

/** A temporary card put into a cardholder's hands. */
export interface TemporaryCardActivation {
  at: Date;
  vsc: string | null;
  cardholder: string | null;
  expires: string | null;
  by: string;
}

/** A refused log-in or password confirmation, or a wrong PIN or PUK seen by SCM. */
export interface FailedAttempt {
  at: Date;
  action: string;
  who: string | null;
  reason: string;
  outcome: string;
}

/** A valid certificate of an issued, active or suspended card that ends within the report's period. */
export interface ExpiringCertificate {
  notAfter: Date;
  certificate: string;
  slot: string | null;
  card: string | null;
  cardState: string;
  cardholder: string | null;
  /** The card's open update (a queued renewal), as `kind:state`, if any. */
  renewal: string | null;
}

/**
 * The read models of the auditor's reports, over the domain tables and the audit chain. Each
 * takes the report's filter; those read from the audit chain answer in chain order.
 */
export interface ReportViewsRepository {
  issuance(f: ReportFilter): Promise<IssuanceSummary[]>;
  cardReportsAndReissues(f: ReportFilter): Promise<CardReportEvent[]>;
  executedApprovals(f: ReportFilter): Promise<ExecutedApproval[]>;
  temporaryCardActivations(f: ReportFilter): Promise<TemporaryCardActivation[]>;
  failedAttempts(f: ReportFilter): Promise<FailedAttempt[]>;
  /** Sealed volumes by number (the period applies to when they were sealed; the actor does not apply). */
  archiveVolumes(f: ReportFilter): Promise<ArchiveVolumeEntity[]>;
  /** Valid certificates of cards in service ending in [from, to): from defaults to now, to to 30 days after from. */
  expiring(f: ReportFilter): Promise<ExpiringCertificate[]>;
}

export const REPORT_VIEWS_REPOSITORY = Symbol('ReportViewsRepository');
