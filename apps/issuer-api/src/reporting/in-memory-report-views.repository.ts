import type { ArchiveVolumeEntity } from '@scm/db';
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

const inPeriod = (at: Date, f: ReportFilter): boolean => (!f.from || at >= f.from) && (!f.to || at < f.to);

/** The reports' read models in memory, for specs: seeded rows, filtered by period; the filters asked for are kept. */
export class InMemoryReportViewsRepository implements ReportViewsRepository {
  readonly asked: ReportFilter[] = [];
  issuanceRows: IssuanceSummary[] = [];
  cardReportRows: CardReportEvent[] = [];
  approvalRows: ExecutedApproval[] = [];
  activationRows: TemporaryCardActivation[] = [];
  failedRows: FailedAttempt[] = [];
  volumeRows: ArchiveVolumeEntity[] = [];
  expiringRows: ExpiringCertificate[] = [];

  private seen<T>(f: ReportFilter, rows: T[], at?: (r: T) => Date): T[] {
    this.asked.push(f);
    return rows.filter((r) => !at || inPeriod(at(r), f)).map((r) => ({ ...r }));
  }

  async issuance(f: ReportFilter): Promise<IssuanceSummary[]> {
    return this.seen(f, this.issuanceRows, (r) => new Date(`${r.day}T00:00:00Z`));
  }

  async cardReportsAndReissues(f: ReportFilter): Promise<CardReportEvent[]> {
    return this.seen(f, this.cardReportRows, (r) => r.at);
  }

  async executedApprovals(f: ReportFilter): Promise<ExecutedApproval[]> {
    return this.seen(f, this.approvalRows, (r) => r.at);
  }

  async temporaryCardActivations(f: ReportFilter): Promise<TemporaryCardActivation[]> {
    return this.seen(f, this.activationRows, (r) => r.at);
  }

  async failedAttempts(f: ReportFilter): Promise<FailedAttempt[]> {
    return this.seen(f, this.failedRows, (r) => r.at);
  }

  async archiveVolumes(f: ReportFilter): Promise<ArchiveVolumeEntity[]> {
    return this.seen(f, this.volumeRows, (r) => r.createdAt).sort((a, b) => a.volume - b.volume);
  }

  async expiring(f: ReportFilter): Promise<ExpiringCertificate[]> {
    return this.seen(f, this.expiringRows, (r) => r.notAfter);
  }
}
