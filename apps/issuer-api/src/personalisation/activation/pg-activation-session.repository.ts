import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { ActivationSessionEntity } from '@scm/db';
import type { DataSource } from 'typeorm';
import type { TxScope } from '../../platform/infra/unit-of-work';
import type { ActivationSession, ActivationSessionRepository } from './activation-session.repository';

@Injectable()
export class PgActivationSessionRepository implements ActivationSessionRepository {
  constructor(@InjectDataSource() private readonly ds: DataSource) {}

  async insert(tx: TxScope, session: ActivationSession): Promise<void> {
    await tx.em.insert(ActivationSessionEntity, session);
  }

  async get(id: string, tx?: TxScope): Promise<ActivationSession | undefined> {
    return (await (tx?.em ?? this.ds.manager).findOneBy(ActivationSessionEntity, { id })) ?? undefined;
  }

  async lock(tx: TxScope, id: string): Promise<ActivationSession | undefined> {
    return (
      (await tx.em.createQueryBuilder(ActivationSessionEntity, 's').where('s.id = :id', { id }).setLock('pessimistic_write').getOne()) ??
      undefined
    );
  }

  async openOf(cardId: string, tx: TxScope): Promise<ActivationSession | undefined> {
    return (await tx.em.findOneBy(ActivationSessionEntity, { cardId, state: 'open' })) ?? undefined;
  }

  async update(tx: TxScope, id: string, patch: Partial<Omit<ActivationSession, 'id'>>): Promise<void> {
    await tx.em.update(ActivationSessionEntity, { id }, patch);
  }

  async expire(tx: TxScope, opts: { cardId?: string } = {}): Promise<ActivationSession[]> {
    const q = tx.em
      .createQueryBuilder()
      .update(ActivationSessionEntity)
      .set({ state: 'expired', closedAt: tx.now })
      .where(`state = 'open' AND expires_at <= :now`, { now: tx.now });
    if (opts.cardId) q.andWhere('card_id = :cardId', { cardId: opts.cardId });
    const r = await q.returning(['id']).execute();
    const ids = (r.raw as Array<{ id: string }>).map((x) => x.id);
    return ids.length ? tx.em.find(ActivationSessionEntity, { where: ids.map((id) => ({ id })) }) : [];
  }
}
