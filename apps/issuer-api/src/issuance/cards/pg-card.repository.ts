import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { CardEntity, CardEventEntity } from '@scm/db';
import type { DataSource } from 'typeorm';
import type { TxScope } from '../../platform/infra/unit-of-work';
import type { Card, CardHistoryEntry, CardHistoryLine, CardRepository } from './card.repository';
import type { CardState } from './card-lifecycle';

@Injectable()
export class PgCardRepository implements CardRepository {
  constructor(@InjectDataSource() private readonly ds: DataSource) {}

  async insert(tx: TxScope, card: Card): Promise<void> {
    await tx.em.insert(CardEntity, card);
  }

  async lock(tx: TxScope, id: string): Promise<Card | undefined> {
    return (await tx.em.createQueryBuilder(CardEntity, 'k').where('k.id = :id', { id }).setLock('pessimistic_write').getOne()) ?? undefined;
  }

  async lockBySerial(tx: TxScope, serial: string): Promise<Card | undefined> {
    return (
      (await tx.em.createQueryBuilder(CardEntity, 'k').where('k.serial = :serial', { serial }).setLock('pessimistic_write').getOne()) ??
      undefined
    );
  }

  async get(id: string, tx?: TxScope): Promise<Card | undefined> {
    return (await (tx?.em ?? this.ds.manager).findOneBy(CardEntity, { id })) ?? undefined;
  }

  async bySerial(serial: string, tx?: TxScope): Promise<Card | undefined> {
    return (await (tx?.em ?? this.ds.manager).findOneBy(CardEntity, { serial })) ?? undefined;
  }

  async setState(tx: TxScope, id: string, to: CardState): Promise<void> {
    await tx.em.update(CardEntity, { id }, { state: to, stateChangedAt: tx.now });
  }

  async addHistory(tx: TxScope, e: CardHistoryEntry): Promise<void> {
    await tx.em.query(`INSERT INTO card_event (card_id, from_state, to_state, at, actor, details) VALUES ($1,$2,$3,$4,$5,$6)`, [
      e.cardId,
      e.from,
      e.to,
      tx.now,
      e.actor,
      JSON.stringify(e.details),
    ]);
  }

  historyOf(cardId: string, tx?: TxScope): Promise<CardHistoryLine[]> {
    return (tx?.em ?? this.ds.manager).find(CardEventEntity, { where: { cardId }, order: { id: 'ASC' } });
  }
}
