import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { IssuanceRequestEntity } from '@scm/db';
import type { DataSource } from 'typeorm';
import type { TxScope } from '../../platform/infra/unit-of-work';
import type { IssuanceRequest, RequestAssignment, RequestEvent, RequestHistoryEntry, RequestRepository } from './request.repository';
import type { RequestState } from './request-state';

/** PostgreSQL channel on which committed request changes are announced (server-sent events). */
export const ISSUANCE_CHANNEL = 'scm_issuance';

/** Events per notification: PostgreSQL caps a payload at 8000 bytes. */
const PER_NOTIFICATION = 50;

@Injectable()
export class PgRequestRepository implements RequestRepository {
  constructor(@InjectDataSource() private readonly ds: DataSource) {}

  lock(tx: TxScope, id: string): Promise<IssuanceRequest | undefined> {
    return tx.em
      .createQueryBuilder(IssuanceRequestEntity, 'r')
      .where('r.id = :id', { id })
      .setLock('pessimistic_write')
      .getOne()
      .then((r) => r ?? undefined);
  }

  async get(id: string, tx?: TxScope): Promise<IssuanceRequest | undefined> {
    return (await (tx?.em ?? this.ds.manager).findOneBy(IssuanceRequestEntity, { id })) ?? undefined;
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
