import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { ApprovalEntity, ApprovalRequestEntity } from '@scm/db';
import { type DataSource, In } from 'typeorm';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';
import type { TxScope } from '../../platform/infra/unit-of-work';
import type { ApprovalDecision, ApprovalRepository, ApprovalRequest } from './approval.repository';

@Injectable()
export class PgApprovalRepository implements ApprovalRepository {
  constructor(@InjectDataSource() private readonly ds: DataSource) {}

  async insert(tx: TxScope, request: ApprovalRequest): Promise<void> {
    // TypeORM's insert typing refuses Record<string, unknown> for a jsonb column; it is stored as JSON all the same.
    const subject = request.subject as QueryDeepPartialEntity<Record<string, unknown>>;
    await tx.em.insert(ApprovalRequestEntity, { ...request, subject });
  }

  async get(id: string, tx: TxScope): Promise<ApprovalRequest | undefined> {
    return (await tx.em.findOneBy(ApprovalRequestEntity, { id })) ?? undefined;
  }

  async lock(tx: TxScope, id: string): Promise<ApprovalRequest | undefined> {
    const r = await tx.em.createQueryBuilder(ApprovalRequestEntity, 'r').where('r.id = :id', { id }).setLock('pessimistic_write').getOne();
    return r ?? undefined;
  }

  async setStatus(tx: TxScope, id: string, status: ApprovalRequest['status']): Promise<void> {
    await tx.em.update(ApprovalRequestEntity, { id }, { status });
  }

  async addDecision(tx: TxScope, decision: ApprovalDecision): Promise<boolean> {
    const r = await tx.em.createQueryBuilder().insert().into(ApprovalEntity).values(decision).orIgnore().returning(['requestId']).execute();
    return Array.isArray(r.raw) && r.raw.length === 1;
  }

  countApprovals(tx: TxScope, requestId: string): Promise<number> {
    return tx.em.countBy(ApprovalEntity, { requestId, decision: 'approve' });
  }

  async listByStatus(status: ApprovalRequest['status']): Promise<Array<{ request: ApprovalRequest; approvals: number }>> {
    const em = this.ds.manager;
    const requests = await em.find(ApprovalRequestEntity, { where: { status }, order: { requestedAt: 'ASC' } });
    const decisions = requests.length
      ? await em.find(ApprovalEntity, { where: { requestId: In(requests.map((r) => r.id)), decision: 'approve' } })
      : [];
    const count = new Map<string, number>();
    for (const d of decisions) count.set(d.requestId, (count.get(d.requestId) ?? 0) + 1);
    return requests.map((request) => ({ request, approvals: count.get(request.id) ?? 0 }));
  }
}
