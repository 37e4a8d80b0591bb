import { Injectable } from '@nestjs/common';
import { CardReportEntity, type ReportState } from '@scm/db';
import type { TxScope } from '../../platform/infra/unit-of-work';
import type { CardReport, CardReportRepository } from './card-report.repository';

/** Only ever used inside a unit of work: every query runs on its transaction; it holds no pool of its own. */
@Injectable()
export class PgCardReportRepository implements CardReportRepository {
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

  async openOf(cardId: string, tx: TxScope): Promise<CardReport | undefined> {
    return (await tx.em.findOneBy(CardReportEntity, { cardId, state: 'open' })) ?? undefined;
  }

  async close(tx: TxScope, id: string, state: Exclude<ReportState, 'open'>, by: string): Promise<void> {
    await tx.em.update(CardReportEntity, { id }, { state, closedBy: by, closedAt: tx.now });
  }

  async closeOpenOf(tx: TxScope, cardId: string, by: string): Promise<void> {
    await tx.em.update(CardReportEntity, { cardId, state: 'open' }, { state: 'closed', closedBy: by, closedAt: tx.now });
  }
}
