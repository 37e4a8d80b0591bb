import type { ReportState } from '@scm/db';
import type { TxScope } from '../../platform/infra/unit-of-work';
import type { CardReport, CardReportRepository } from './card-report.repository';

/** Card reports in memory, for handler specs. */
export class InMemoryCardReportRepository implements CardReportRepository {
  readonly rows = new Map<string, CardReport>();

  /** Puts a report in place; fields not given get plausible values. */
  seed(r: Partial<CardReport> & Pick<CardReport, 'id' | 'cardId' | 'reason'>): CardReport {
    const row: CardReport = {
      state: 'open',
      cardState: 'lost',
      comment: null,
      reportedBy: 'user:seed',
      reportedAt: new Date('2026-11-30T08:00:00Z'),
      closedBy: null,
      closedAt: null,
      ...r,
    };
    this.rows.set(row.id, row);
    return row;
  }

  async insert(_tx: TxScope, report: CardReport): Promise<void> {
    if (report.state === 'open' && (await this.openOf(report.cardId))) throw new Error(`card ${report.cardId} has an open report`);
    this.rows.set(report.id, { ...report });
  }

  async lockOpen(_tx: TxScope, cardId: string): Promise<CardReport | undefined> {
    return this.openOf(cardId);
  }

  async openOf(cardId: string): Promise<CardReport | undefined> {
    const r = [...this.rows.values()].find((x) => x.cardId === cardId && x.state === 'open');
    return r && { ...r };
  }

  async close(tx: TxScope, id: string, state: Exclude<ReportState, 'open'>, by: string): Promise<void> {
    const r = this.rows.get(id);
    if (r) this.rows.set(id, { ...r, state, closedBy: by, closedAt: tx.now });
  }

  async closeOpenOf(tx: TxScope, cardId: string, by: string): Promise<void> {
    const open = await this.openOf(cardId);
    if (open) await this.close(tx, open.id, 'closed', by);
  }
}
