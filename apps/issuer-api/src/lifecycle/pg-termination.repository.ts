import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { CardEntity, CardholderEntity, CardholderTerminationEntity, EscrowPurgeEntity, IssuanceRequestEntity } from '@scm/db';
import type { DataSource } from 'typeorm';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';
import type { Cardholder } from '../issuance/cardholders/cardholder.repository';
import type { Card } from '../issuance/cards/card.repository';
import type { IssuanceRequest } from '../issuance/requests/request.repository';
import type { TxScope } from '../platform/infra/unit-of-work';
import type { CardholderTermination, EscrowedVersion, EscrowPurge, TerminationRepository } from './termination.repository';

@Injectable()
export class PgTerminationRepository implements TerminationRepository {
  constructor(@InjectDataSource() private readonly ds: DataSource) {}

  private em(tx?: TxScope) {
    return tx?.em ?? this.ds.manager;
  }

  async lockCardholder(tx: TxScope, id: string): Promise<Cardholder | undefined> {
    return (await tx.em.findOne(CardholderEntity, { where: { id }, lock: { mode: 'pessimistic_write' } })) ?? undefined;
  }

  async offboard(tx: TxScope, id: string): Promise<void> {
    await tx.em.update(CardholderEntity, { id }, { status: 'offboarded', sponsoredBy: null, sponsoredAt: null, updatedAt: tx.now });
  }

  async insert(tx: TxScope, t: CardholderTermination): Promise<void> {
    await tx.em.insert(CardholderTerminationEntity, { ...t, summary: t.summary as QueryDeepPartialEntity<Record<string, unknown>> });
  }

  async get(cardholderId: string, tx?: TxScope): Promise<CardholderTermination | undefined> {
    return (await this.em(tx).findOneBy(CardholderTerminationEntity, { cardholderId })) ?? undefined;
  }

  async lock(tx: TxScope, cardholderId: string): Promise<CardholderTermination | undefined> {
    return (
      (await tx.em.findOne(CardholderTerminationEntity, { where: { cardholderId }, lock: { mode: 'pessimistic_write' } })) ?? undefined
    );
  }

  cardsOf(cardholderId: string, tx: TxScope): Promise<Card[]> {
    return this.em(tx).find(CardEntity, { where: { cardholderId }, order: { createdAt: 'ASC', id: 'ASC' } });
  }

  requestsOf(cardholderId: string, tx: TxScope): Promise<IssuanceRequest[]> {
    return this.em(tx).find(IssuanceRequestEntity, { where: { cardholderId }, order: { createdAt: 'ASC', id: 'ASC' } });
  }

  async cancelActivations(tx: TxScope, cardIds: readonly string[], reason: string): Promise<string[]> {
    if (!cardIds.length) return [];
    const [rows] = (await tx.em.query(
      `UPDATE activation_session SET state = 'cancelled', failure = $2, closed_at = $3
        WHERE state = 'open' AND card_id = ANY($1::uuid[]) RETURNING id`,
      [cardIds, reason.slice(0, 300), tx.now],
    )) as [Array<{ id: string }>, number];
    return rows.map((r) => r.id);
  }

  async cancelCardUpdates(tx: TxScope, cardIds: readonly string[], reason: string): Promise<string[]> {
    if (!cardIds.length) return [];
    const [rows] = (await tx.em.query(
      `UPDATE card_update SET state = 'cancelled', failure = $2, finished_at = $3, updated_at = $3
        WHERE state IN ('awaiting-approval', 'pending') AND card_id = ANY($1::uuid[]) RETURNING id`,
      [cardIds, reason.slice(0, 500), tx.now],
    )) as [Array<{ id: string }>, number];
    return rows.map((r) => r.id);
  }

  async cancelApprovals(tx: TxScope, cardholderId: string, keep: readonly string[]): Promise<Array<{ id: string; kind: string }>> {
    // A registration names its cardholders in a list; the other kinds name one cardholderId.
    const [rows] = (await tx.em.query(
      `UPDATE approval_request SET status = 'cancelled'
        WHERE status = 'pending' AND NOT (kind = ANY($2::text[]))
          AND (subject->>'cardholderId' = $1 OR subject->'cardholders' @> jsonb_build_array(jsonb_build_object('id', $1::text)))
        RETURNING id, kind`,
      [cardholderId, keep],
    )) as [Array<{ id: string; kind: string }>, number];
    return rows;
  }

  async vscsOf(cardholderId: string, tx: TxScope): Promise<Array<{ id: string; kind: string }>> {
    return this.em(tx).query(
      `SELECT v.id, v.kind FROM vsc v
        WHERE v.cardholder_id = $1 OR v.request_id IN (SELECT r.id FROM issuance_request r WHERE r.cardholder_id = $1)
        ORDER BY v.created_at, v.id`,
      [cardholderId],
    );
  }

  async escrowedVersionsOf(cardholderId: string, tx: TxScope): Promise<EscrowedVersion[]> {
    const rows: Array<{ vsc_id: string; version: number; sha256: Buffer; kind: string; purged_at: Date | null; volume: number | null }> =
      await this.em(tx).query(
        `SELECT vv.vsc_id, vv.version, vv.sha256, v.kind, vv.purged_at,
                (SELECT min(a.volume) FROM archive_entry a WHERE a.vsc_id = vv.vsc_id AND a.version = vv.version) AS volume
           FROM vsc_version vv JOIN vsc v ON v.id = vv.vsc_id
          WHERE vv.escrowed_at IS NOT NULL
            AND (v.cardholder_id = $1 OR v.request_id IN (SELECT r.id FROM issuance_request r WHERE r.cardholder_id = $1))
          ORDER BY v.created_at, vv.vsc_id, vv.version`,
        [cardholderId],
      );
    return rows.map((r) => ({
      vscId: r.vsc_id,
      version: r.version,
      sha256: r.sha256.toString('hex'),
      kind: r.kind,
      purgedAt: r.purged_at,
      volume: r.volume === null ? null : Number(r.volume),
    }));
  }

  async purgeVersions(tx: TxScope, purgeId: string, refs: ReadonlyArray<{ vscId: string; version: number }>): Promise<number> {
    if (!refs.length) return 0;
    const [, count] = (await tx.em.query(
      `UPDATE vsc_version vv SET content = '\\x'::bytea, purged_at = $3, purge_id = $4
         FROM unnest($1::uuid[], $2::int[]) AS k(vsc_id, version)
        WHERE vv.vsc_id = k.vsc_id AND vv.version = k.version AND vv.purged_at IS NULL
        RETURNING vv.vsc_id`,
      [refs.map((r) => r.vscId), refs.map((r) => r.version), tx.now, purgeId],
    )) as [unknown[], number];
    return count;
  }

  async insertPurge(tx: TxScope, p: EscrowPurge): Promise<void> {
    await tx.em.insert(EscrowPurgeEntity, p);
  }

  async markPurged(tx: TxScope, cardholderId: string): Promise<void> {
    await tx.em.update(CardholderTerminationEntity, { cardholderId }, { purgedAt: tx.now });
  }

  async purgeOf(cardholderId: string, tx?: TxScope): Promise<EscrowPurge | undefined> {
    return (await this.em(tx).findOneBy(EscrowPurgeEntity, { cardholderId })) ?? undefined;
  }
}
