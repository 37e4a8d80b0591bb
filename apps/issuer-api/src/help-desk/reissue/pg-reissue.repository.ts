import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { ApprovalRequestEntity, IssuanceRequestEntity, ReissueEntity, type ReissueState } from '@scm/db';
import type { DataSource } from 'typeorm';
import type { TxScope } from '../../platform/infra/unit-of-work';
import { REISSUE_KIND } from './reissue-approval';
import type { Reissue, ReissueObstacles, ReissueRepository } from './reissue.repository';

const ENDED = ['issued', 'failed', 'cancelled'] as const;

@Injectable()
export class PgReissueRepository implements ReissueRepository {
  constructor(@InjectDataSource() private readonly ds: DataSource) {}

  async insert(tx: TxScope, reissue: Reissue): Promise<void> {
    await tx.em.insert(ReissueEntity, reissue);
  }

  async lock(tx: TxScope, id: string): Promise<Reissue | undefined> {
    return (
      (await tx.em.createQueryBuilder(ReissueEntity, 'r').where('r.id = :id', { id }).setLock('pessimistic_write').getOne()) ?? undefined
    );
  }

  async close(tx: TxScope, id: string, state: Exclude<ReissueState, 'awaiting-card'>): Promise<void> {
    await tx.em.update(ReissueEntity, { id }, { state, closedAt: tx.now });
  }

  async underWay(cardId: string, at: Date, tx: TxScope): Promise<ReissueObstacles> {
    const em = tx.em;
    const approval = await em
      .createQueryBuilder(ApprovalRequestEntity, 'a')
      .select(['a.id'])
      .where(`a.kind = :kind AND a.status = 'pending' AND a.expiresAt > :at AND a.subject->>'cardId' = :cardId`, {
        kind: REISSUE_KIND,
        at,
        cardId,
      })
      .getOne();
    const running = await em.findOne(ReissueEntity, { select: ['id'], where: { oldCardId: cardId, state: 'awaiting-card' } });
    return {
      ...(approval ? { approvalId: approval.id } : {}),
      ...(running ? { reissueId: running.id } : {}),
    };
  }

  async finished(tx?: TxScope): Promise<string[]> {
    const due = await (tx?.em ?? this.ds.manager)
      .createQueryBuilder(ReissueEntity, 'r')
      .innerJoin(IssuanceRequestEntity, 'q', 'q.id = r.requestId')
      .select(['r.id'])
      .where(`r.state = 'awaiting-card' AND q.state IN (:...ended)`, { ended: [...ENDED] })
      .getMany();
    return due.map((r) => r.id);
  }
}
