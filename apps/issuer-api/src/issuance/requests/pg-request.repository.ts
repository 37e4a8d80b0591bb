import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { IssuanceBatchEntity, IssuanceRequestEntity, IssuanceRequestEventEntity } from '@scm/db';
import type { DataSource } from 'typeorm';
import type { TxScope } from '../../platform/infra/unit-of-work';
import { IssuanceError, IssuanceErrorCode } from './issuance-errors';
import type {
  IssuanceBatch,
  IssuanceRequest,
  RequestAssignment,
  RequestEvent,
  RequestHistoryEntry,
  RequestHistoryLine,
  RequestRepository,
} from './request.repository';
import { type RequestState, TERMINAL_STATES } from './request-state';

/** PostgreSQL channel on which committed request changes are announced (server-sent events). */
export const ISSUANCE_CHANNEL = 'scm_issuance';

/** Events per notification: PostgreSQL caps a payload at 8000 bytes. */
const PER_NOTIFICATION = 50;

@Injectable()
export class PgRequestRepository implements RequestRepository {
  constructor(@InjectDataSource() private readonly ds: DataSource) {}

  private em(tx?: TxScope) {
    return tx?.em ?? this.ds.manager;
  }

  lock(tx: TxScope, id: string): Promise<IssuanceRequest | undefined> {
    return tx.em
      .createQueryBuilder(IssuanceRequestEntity, 'r')
      .where('r.id = :id', { id })
      .setLock('pessimistic_write')
      .getOne()
      .then((r) => r ?? undefined);
  }

  async get(id: string, tx?: TxScope): Promise<IssuanceRequest | undefined> {
    return (await this.em(tx).findOneBy(IssuanceRequestEntity, { id })) ?? undefined;
  }

  async setState(tx: TxScope, id: string, from: RequestState, to: RequestState, failure?: string): Promise<boolean> {
    const r = await tx.em.update(
      IssuanceRequestEntity,
      { id, state: from },
      { state: to, stateChangedAt: tx.now, ...(failure !== undefined ? { failure } : {}) },
    );
    return r.affected === 1;
  }

  async addHistory(tx: TxScope, entries: readonly RequestHistoryEntry[]): Promise<void> {
    if (entries.length === 0) return;
    await tx.em.query(
      `INSERT INTO issuance_request_event (request_id, from_state, to_state, at, actor, details)
       SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[], $4::timestamptz[], $5::text[], $6::jsonb[])`,
      [
        entries.map((e) => e.requestId),
        entries.map((e) => e.from),
        entries.map((e) => e.to),
        entries.map(() => tx.now),
        entries.map((e) => e.actor),
        entries.map((e) => JSON.stringify(e.details)),
      ],
    );
  }

  async announce(tx: TxScope, events: readonly RequestEvent[]): Promise<void> {
    for (let i = 0; i < events.length; i += PER_NOTIFICATION) {
      const payload = JSON.stringify(events.slice(i, i + PER_NOTIFICATION).map((e) => [e.requestId, e.batchId, e.from, e.state, e.at]));
      await tx.em.query(`SELECT pg_notify($1, $2)`, [ISSUANCE_CHANNEL, payload]);
    }
  }

  async insertMany(tx: TxScope, rows: readonly IssuanceRequest[]): Promise<void> {
    if (rows.length === 0) return;
    try {
      // One statement whatever the size: a multi-row VALUES would pass PostgreSQL's 65535 parameters.
      await tx.em.query(
        `INSERT INTO issuance_request (id, batch_id, cardholder_id, profile_id, profile, state, state_changed_at, failure, worker_id, card_id, created_by, created_at, sponsored_by, profile_version)
         SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::uuid[], $4::text[], $5::jsonb[], $6::text[], $7::timestamptz[], $8::text[], $9::uuid[], $10::uuid[], $11::text[], $12::timestamptz[], $13::text[], $14::int[])`,
        [
          rows.map((r) => r.id),
          rows.map((r) => r.batchId),
          rows.map((r) => r.cardholderId),
          rows.map((r) => r.profileId),
          rows.map((r) => JSON.stringify(r.profile)),
          rows.map((r) => r.state),
          rows.map((r) => r.stateChangedAt),
          rows.map((r) => r.failure),
          rows.map((r) => r.workerId),
          rows.map((r) => r.cardId),
          rows.map((r) => r.createdBy),
          rows.map((r) => r.createdAt),
          rows.map((r) => r.sponsoredBy ?? null),
          rows.map((r) => r.profileVersion ?? null),
        ],
      );
    } catch (e) {
      // Two calls for the same cardholder at once: the second loses on the open-request index.
      if ((e as { constraint?: string }).constraint === 'issuance_request_open') {
        throw new IssuanceError(
          IssuanceErrorCode.OpenRequestExists,
          'a cardholder of this call got an open request concurrently; nothing was created',
          {},
          { cause: e },
        );
      }
      throw e;
    }
  }

  openOf(cardholderIds: readonly string[], tx: TxScope): Promise<IssuanceRequest[]> {
    if (cardholderIds.length === 0) return Promise.resolve([]);
    return this.em(tx)
      .createQueryBuilder(IssuanceRequestEntity, 'r')
      .where('r.cardholderId = ANY(CAST(:ids AS uuid[]))', { ids: cardholderIds })
      .andWhere('r.state NOT IN (:...terminal)', { terminal: TERMINAL_STATES })
      .getMany();
  }

  historyOf(requestId: string, tx?: TxScope): Promise<RequestHistoryLine[]> {
    return this.em(tx).find(IssuanceRequestEventEntity, { where: { requestId }, order: { id: 'ASC' } });
  }

  async insertBatch(tx: TxScope, batch: IssuanceBatch): Promise<void> {
    await tx.em.insert(IssuanceBatchEntity, batch);
  }

  async getBatch(id: string, tx?: TxScope): Promise<IssuanceBatch | undefined> {
    return (await this.em(tx).findOneBy(IssuanceBatchEntity, { id })) ?? undefined;
  }

  async batchByReference(reference: string, tx: TxScope): Promise<IssuanceBatch | undefined> {
    return (await this.em(tx).findOneBy(IssuanceBatchEntity, { reference })) ?? undefined;
  }

  ofBatch(batchId: string, tx: TxScope): Promise<IssuanceRequest[]> {
    return this.em(tx).find(IssuanceRequestEntity, { where: { batchId }, order: { createdAt: 'ASC', id: 'ASC' } });
  }

  async assign(tx: TxScope, id: string, to: RequestAssignment): Promise<void> {
    await tx.em.update(IssuanceRequestEntity, { id }, to);
  }
}

/** Decodes a notification payload of ISSUANCE_CHANNEL. */
export function parseNotification(payload: string): RequestEvent[] {
  return (JSON.parse(payload) as Array<[string, string | null, RequestState | null, RequestState, string]>).map(
    ([requestId, batchId, from, state, at]) => ({ type: 'state', requestId, batchId, from, state, at }),
  );
}
