import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { CardholderEntity, IssuanceRequestEntity } from '@scm/db';
import { type DataSource, In } from 'typeorm';
import type { TxScope } from '../../platform/infra/unit-of-work';
import type { RequestListEntry, RequestListFilter, RequestViewsRepository } from './request-views.repository';
import type { RequestState } from './request-state';

@Injectable()
export class PgRequestViewsRepository implements RequestViewsRepository {
  constructor(@InjectDataSource() private readonly ds: DataSource) {}

  async list(f: RequestListFilter, tx?: TxScope): Promise<RequestListEntry[]> {
    const em = tx?.em ?? this.ds.manager;
    // The profile copy (jsonb) stays behind: a list can hold twenty thousand requests.
    const q = em
      .createQueryBuilder(IssuanceRequestEntity, 'r')
      .select(['r.id', 'r.batchId', 'r.cardholderId', 'r.profileId', 'r.state', 'r.stateChangedAt', 'r.failure', 'r.createdAt']);
    if (f.batchId !== undefined) q.andWhere('r.batchId = :batchId', { batchId: f.batchId });
    if (f.state !== undefined) q.andWhere('r.state = :state', { state: f.state });
    if (f.cardholderId !== undefined) q.andWhere('r.cardholderId = :cardholderId', { cardholderId: f.cardholderId });
    const rows = await q
      .orderBy('r.createdAt', 'DESC')
      .addOrderBy('r.id', 'ASC')
      .offset(f.offset ?? 0)
      .limit(f.limit)
      .getMany();
    const holderIds = [...new Set(rows.map((r) => r.cardholderId))];
    const holders = holderIds.length ? await em.find(CardholderEntity, { select: ['id', 'name'], where: { id: In(holderIds) } }) : [];
    const names = new Map(holders.map((h) => [h.id, h.name]));
    return rows.map((r) => ({
      id: r.id,
      batchId: r.batchId,
      cardholderId: r.cardholderId,
      profileId: r.profileId,
      state: r.state,
      stateChangedAt: r.stateChangedAt,
      failure: r.failure,
      cardholderName: names.get(r.cardholderId) ?? '',
    }));
  }

  async stateCounts(batchId: string | undefined, tx?: TxScope): Promise<Partial<Record<RequestState, number>>> {
    const q = (tx?.em ?? this.ds.manager)
      .createQueryBuilder(IssuanceRequestEntity, 'r')
      .select('r.state', 'state')
      .addSelect('count(*)::int', 'n');
    if (batchId !== undefined) q.where('r.batchId = :batchId', { batchId });
    const counts = await q.groupBy('r.state').getRawMany<{ state: RequestState; n: number }>();
    return Object.fromEntries(counts.map((c) => [c.state, c.n]));
  }
}
