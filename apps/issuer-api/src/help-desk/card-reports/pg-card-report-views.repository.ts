import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { CardEntity, CardReportEntity, type ReportState } from '@scm/db';
import { type DataSource, type FindOptionsWhere, In } from 'typeorm';
import type { TxScope } from '../../platform/infra/unit-of-work';
import type { CardReportRecord, CardReportViewRepository } from './card-report-views.repository';

@Injectable()
export class PgCardReportViewRepository implements CardReportViewRepository {
  constructor(@InjectDataSource() private readonly ds: DataSource) {}

  async list(f: { cardId?: string; state?: ReportState }, limit: number, tx?: TxScope): Promise<CardReportRecord[]> {
    const em = tx?.em ?? this.ds.manager;
    const where: FindOptionsWhere<CardReportEntity> = {};
    if (f.cardId) where.cardId = f.cardId;
    if (f.state) where.state = f.state;
    const reports = await em.find(CardReportEntity, { where, order: { reportedAt: 'DESC' }, take: limit });
    if (!reports.length) return [];
    const cards = new Map((await em.findBy(CardEntity, { id: In([...new Set(reports.map((r) => r.cardId))]) })).map((k) => [k.id, k]));
    return reports.flatMap((report) => {
      const card = cards.get(report.cardId);
      return card ? [{ report, card }] : [];
    });
  }
}
