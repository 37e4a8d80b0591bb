import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { CardEntity, CardholderEntity, CardWorkerEntity, TemporaryCardEntity, VscEntity } from '@scm/db';
import { type DataSource, type EntityManager, type FindOptionsWhere, In } from 'typeorm';
import type { TxScope } from '../../platform/infra/unit-of-work';
import { isUuid } from '../shared/card-ref';
import type { TemporaryCard } from './temporary-card.repository';
import type { TemporaryCardFilter, TemporaryCardRecord, TemporaryCardViewRepository } from './temporary-card-views.repository';

const byId = <T extends { id: string }>(rows: T[]): Map<string, T> => new Map(rows.map((r) => [r.id, r]));
const ids = (xs: Array<string | null>): string[] => [...new Set(xs.filter((x): x is string => x !== null))];

@Injectable()
export class PgTemporaryCardViewRepository implements TemporaryCardViewRepository {
  constructor(@InjectDataSource() private readonly ds: DataSource) {}

  async get(id: string, tx?: TxScope): Promise<TemporaryCardRecord | undefined> {
    const em = tx?.em ?? this.ds.manager;
    const t = await em.findOneBy(TemporaryCardEntity, { id });
    return t ? (await this.compose(em, [t]))[0] : undefined;
  }

  async list(f: TemporaryCardFilter, limit: number, tx?: TxScope): Promise<TemporaryCardRecord[]> {
    const em = tx?.em ?? this.ds.manager;
    const where: FindOptionsWhere<TemporaryCardEntity> = {};
    if (f.cardholderId) where.cardholderId = f.cardholderId;
    if (f.state) where.state = f.state;
    if (f.card) {
      const bySerial = await em.find(CardEntity, { select: ['id'], where: { serial: f.card } });
      const cardIds = [...(isUuid(f.card) ? [f.card] : []), ...bySerial.map((k) => k.id)];
      if (!cardIds.length) return [];
      where.cardId = In(cardIds);
    }
    const found = await em.find(TemporaryCardEntity, { where, order: { createdAt: 'DESC' }, take: limit });
    return this.compose(em, found);
  }

  /** The records of these temporary cards, in their order; one whose cardholder, host or VSC is gone is left out. */
  private async compose(em: EntityManager, found: TemporaryCard[]): Promise<TemporaryCardRecord[]> {
    if (!found.length) return [];
    // One after another: inside a transaction the queries share one connection.
    const holders = byId(await em.findBy(CardholderEntity, { id: In(ids(found.map((t) => t.cardholderId))) }));
    const cards = byId(await em.findBy(CardEntity, { id: In(ids(found.map((t) => t.cardId))) }));
    const hosts = byId(await em.findBy(CardWorkerEntity, { id: In(ids(found.map((t) => t.hostWorkerId))) }));
    const vscs = byId(await em.findBy(VscEntity, { id: In(ids(found.map((t) => t.id))) }));
    return found.flatMap((t) => {
      const holder = holders.get(t.cardholderId);
      const host = hosts.get(t.hostWorkerId);
      const vsc = vscs.get(t.id);
      if (!holder || !host || !vsc) return [];
      return [{ temporaryCard: t, holder, card: (t.cardId && cards.get(t.cardId)) || null, host, vsc }];
    });
  }
}
