import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { TemporaryCardEntity } from '@scm/db';
import { type DataSource, In, LessThanOrEqual } from 'typeorm';
import type { TxScope } from '../../platform/infra/unit-of-work';
import type { TemporaryCard, TemporaryCardRepository } from './temporary-card.repository';

const OPEN = In(['issued', 'active']);

@Injectable()
export class PgTemporaryCardRepository implements TemporaryCardRepository {
  constructor(@InjectDataSource() private readonly ds: DataSource) {}

  async insert(tx: TxScope, card: TemporaryCard): Promise<void> {
    await tx.em.insert(TemporaryCardEntity, card);
  }

  async lock(tx: TxScope, id: string): Promise<TemporaryCard | undefined> {
    return (
      (await tx.em.createQueryBuilder(TemporaryCardEntity, 't').where('t.id = :id', { id }).setLock('pessimistic_write').getOne()) ??
      undefined
    );
  }

  async get(id: string, tx?: TxScope): Promise<TemporaryCard | undefined> {
    return (await (tx?.em ?? this.ds.manager).findOneBy(TemporaryCardEntity, { id })) ?? undefined;
  }

  async update(tx: TxScope, id: string, changes: Partial<Omit<TemporaryCard, 'id'>>): Promise<void> {
    await tx.em.update(TemporaryCardEntity, { id }, changes);
  }

  async openOf(cardholderId: string, tx: TxScope): Promise<TemporaryCard | undefined> {
    return (await tx.em.findOneBy(TemporaryCardEntity, { cardholderId, state: OPEN })) ?? undefined;
  }

  lockStandIns(tx: TxScope, cardId: string): Promise<TemporaryCard[]> {
    return tx.em
      .createQueryBuilder(TemporaryCardEntity, 't')
      .where(`t.cardId = :cardId AND t.state IN ('issued', 'active')`, { cardId })
      .orderBy('t.createdAt', 'ASC')
      .setLock('pessimistic_write')
      .getMany();
  }

  async dueForExpiry(at: Date, tx: TxScope): Promise<string[]> {
    const due = await tx.em.find(TemporaryCardEntity, {
      select: ['id'],
      where: { state: OPEN, expiresAt: LessThanOrEqual(at) },
    });
    return due.map((t) => t.id);
  }
}
