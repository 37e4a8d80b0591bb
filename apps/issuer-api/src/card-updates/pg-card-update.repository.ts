import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { CardUpdateEntity } from '@scm/db';
import type { DataSource } from 'typeorm';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';
import type { TxScope } from '../platform/infra/unit-of-work';
import type { CardUpdate, CardUpdateRepository, ExpiringCard } from './card-update.repository';

const OPEN = `('awaiting-approval', 'pending', 'running')`;

@Injectable()
export class PgCardUpdateRepository implements CardUpdateRepository {
  constructor(@InjectDataSource() private readonly ds: DataSource) {}

  async insert(tx: TxScope, u: CardUpdate): Promise<void> {
    await tx.em.insert(CardUpdateEntity, u as QueryDeepPartialEntity<CardUpdateEntity>);
  }

  async lock(tx: TxScope, id: string): Promise<CardUpdate | undefined> {
    return (
      (await tx.em.createQueryBuilder(CardUpdateEntity, 'u').where('u.id = :id', { id }).setLock('pessimistic_write').getOne()) ?? undefined
    );
  }

  async get(id: string, tx?: TxScope): Promise<CardUpdate | undefined> {
    return (await (tx?.em ?? this.ds.manager).findOneBy(CardUpdateEntity, { id })) ?? undefined;
  }

  async lockOpenOfCard(tx: TxScope, cardId: string): Promise<CardUpdate | undefined> {
    return (
      (await tx.em
        .createQueryBuilder(CardUpdateEntity, 'u')
        .where(`u.cardId = :cardId AND u.state IN ${OPEN}`, { cardId })
        .setLock('pessimistic_write')
        .getOne()) ?? undefined
    );
  }

  ofCard(cardId: string, tx?: TxScope): Promise<CardUpdate[]> {
    return (tx?.em ?? this.ds.manager).find(CardUpdateEntity, { where: { cardId }, order: { createdAt: 'ASC' } });
  }

  async patch(tx: TxScope, id: string, patch: Partial<CardUpdate>): Promise<void> {
    await tx.em.update(CardUpdateEntity, { id }, { ...patch, updatedAt: tx.now } as QueryDeepPartialEntity<CardUpdateEntity>);
  }

  async updatableCardsOf(cardholderId: string, tx: TxScope): Promise<string[]> {
    const rows: Array<{ id: string }> = await tx.em.query(
      `SELECT id FROM card WHERE cardholder_id = $1 AND state IN ('issued', 'active') AND request_id IS NOT NULL ORDER BY created_at`,
      [cardholderId],
    );
    return rows.map((r) => r.id);
  }

  async expiring(horizon: Date, tx: TxScope): Promise<ExpiringCard[]> {
    const rows: Array<{
      card_id: string;
      serial: string | null;
      state: string;
      cardholder_id: string | null;
      request_id: string;
      not_after: Date;
      certificates: Array<{ serial: string; slot: string | null; notAfter: string }>;
      renewal: string | null;
      open_update: string | null;
    }> = await tx.em.query(
      `SELECT c.id AS card_id, c.serial, c.state, c.cardholder_id, c.request_id,
              max(cc.not_after) AS not_after,
              coalesce(jsonb_agg(jsonb_build_object('serial', cc.serial, 'slot', cc.reference->>'slot', 'notAfter', cc.not_after)
                         ORDER BY cc.not_after) FILTER (WHERE cc.not_after < $1), '[]') AS certificates,
              r.profile->>'renewal' AS renewal,
              (SELECT u.id FROM card_update u WHERE u.card_id = c.id AND u.state IN ${OPEN}) AS open_update
         FROM card c
         JOIN issuance_request r ON r.id = c.request_id
         JOIN ca_certificate cc ON cc.reference->>'requestId' = c.request_id::text AND cc.status = 'valid'
        WHERE c.state IN ('issued', 'active', 'suspended')
        GROUP BY c.id, r.profile
       HAVING min(cc.not_after) < $1
        ORDER BY max(cc.not_after), c.id`,
      [horizon],
    );
    return rows.map((r) => ({
      cardId: r.card_id,
      serial: r.serial,
      state: r.state,
      cardholderId: r.cardholder_id,
      requestId: r.request_id,
      notAfter: new Date(r.not_after),
      certificates: r.certificates.map((c) => ({ serial: c.serial, slot: c.slot, notAfter: new Date(c.notAfter) })),
      renewal: r.renewal === 'automatic' ? 'automatic' : 'approval',
      openUpdate: r.open_update,
    }));
  }

  async lockCardPuk(tx: TxScope, cardId: string): Promise<{ sealed: Buffer; key: string } | undefined> {
    const rows: Array<{ puk_sealed: Buffer; puk_key: string }> = await tx.em.query(
      `SELECT puk_sealed, puk_key FROM card_credential WHERE card_id = $1 FOR UPDATE`,
      [cardId],
    );
    return rows[0] ? { sealed: rows[0].puk_sealed, key: rows[0].puk_key } : undefined;
  }

  async replaceCardPuk(tx: TxScope, cardId: string, sealed: Buffer, key: string): Promise<void> {
    const [, n] = (await tx.em.query(`UPDATE card_credential SET puk_sealed = $2, puk_key = $3 WHERE card_id = $1`, [
      cardId,
      sealed,
      key,
    ])) as [unknown, number];
    if (n !== 1) throw new Error(`card ${cardId} has no PUK to replace`);
  }
}
