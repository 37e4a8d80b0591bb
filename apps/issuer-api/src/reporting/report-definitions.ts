import { ApiError, ApiErrorCode } from '../platform/http/api-errors';
import type { ReportFilter, ReportViewsRepository } from './report-views.repository';

export type { ReportFilter } from './report-views.repository';

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
  run(views: ReportViewsRepository, f: ReportFilter): Promise<ReportRow[]>;
}

const iso = (d: Date): string => d.toISOString();

/** The auditor's reports. Each reads the system of record (domain tables and the audit chain) through its read model. */
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
    run: async (views, f) => (await views.issuance(f)).map((r) => ({ ...r })),
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
    run: async (views, f) => (await views.cardReportsAndReissues(f)).map((r) => ({ ...r, at: iso(r.at) })),
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
    run: async (views, f) => (await views.executedApprovals(f)).map((r) => ({ ...r, at: iso(r.at) })),
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
    run: async (views, f) => (await views.temporaryCardActivations(f)).map((r) => ({ ...r, at: iso(r.at) })),
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
    run: async (views, f) => (await views.failedAttempts(f)).map((r) => ({ ...r, at: iso(r.at) })),
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
    run: async (views, f) =>
      (await views.archiveVolumes(f)).map((v) => ({
        volume: v.volume,
        created: iso(v.createdAt),
        entries: v.entries,
        imageSha256: v.imageSha256.toString('hex'),
        previousSha256: v.previousSha256?.toString('hex') ?? null,
        auditSeq: Number(v.auditSeq),
      })),
  },
  {
    name: 'expiring',
    title: 'Certificates and cards expiring',
    description:
      'Valid certificates of cards in service that end in the period (default: the next 30 days), with the renewal queued for each card',
    columns: [
      { key: 'notAfter', title: 'Ends' },
      { key: 'certificate', title: 'Certificate' },
      { key: 'slot', title: 'Slot' },
      { key: 'card', title: 'Card' },
      { key: 'cardState', title: 'Card state' },
      { key: 'cardholder', title: 'Cardholder' },
      { key: 'renewal', title: 'Renewal' },
    ],
    run: async (views, f) => (await views.expiring(f)).map((r) => ({ ...r, notAfter: iso(new Date(r.notAfter)) })),
  },
];

/** The report of that name; NotFound (listing the names) otherwise. */
export function reportNamed(name: string): ReportDefinition {
  const def = REPORTS.find((r) => r.name === name);
  if (!def) throw new ApiError(ApiErrorCode.NotFound, `no report "${name}"; reports: ${REPORTS.map((r) => r.name).join(', ')}`);
  return def;
}

/** A report's period must not be empty or reversed. */
export function checkPeriod(f: ReportFilter): void {
  if (f.from && f.to && f.from >= f.to) throw new ApiError(ApiErrorCode.Invalid, 'from must be before to');
}
