import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { CardReportEntity, type ReportState } from '@scm/db';
import type { DataSource } from 'typeorm';
import type { TxScope } from '../../platform/infra/unit-of-work';
import type { CardReport, CardReportRepository } from './card-report.repository';

@Injectable()
export class PgCardReportRepository implements CardReportRepository {
  constructor(@InjectDataSource() private readonly ds: DataSource) {}

  async insert(tx: TxScope, report: CardReport): Promise<void> {
    await tx.em.insert(CardReportEntity, report);
  }

  async lockOpen(tx: TxScope, cardId: string): Promise<CardReport | undefined> {
    return (
      (await tx.em
        .createQueryBuilder(CardReportEntity, 'p')
        .where(`p.cardId = :cardId AND p.state = 'open'`, { cardId })
        .setLock('pessimistic_write')
        .getOne()) ?? undefined
    );
  }

  async openOf(cardId: string, tx?: TxScope): Promise<CardReport | undefined> {
    return (await (tx?.em ?? this.ds.manager).findOneBy(CardReportEntity, { cardId, state: 'open' })) ?? undefined;
  }

  async close(tx: TxScope, id: string, state: Exclude<ReportState, 'open'>, by: string): Promise<void> {
    await tx.em.update(CardReportEntity, { id }, { state, closedBy: by, closedAt: tx.now });
  }

  async closeOpenOf(tx: TxScope, cardId: string, by: string): Promise<void> {
    await tx.em.update(CardReportEntity, { cardId, state: 'open' }, { state: 'closed', closedBy: by, closedAt: tx.now });
  }
}
