import { type IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { profileSlots } from '../../profiles/card-profile';
import type { CardProfileDefinition } from '../../profiles/card-profile';
import type { RequestState } from '../request-state';
import { IssuanceError, IssuanceErrorCode } from '../issuance-errors';
import {
  type BatchView,
  ListRequestsQuery,
  type RequestSummary,
  type RequestView,
  ShowBatchQuery,
  ShowRequestQuery,
} from './show-request.query';

@QueryHandler(ShowRequestQuery)
export class ShowRequestHandler implements IQueryHandler<ShowRequestQuery, RequestView> {
  constructor(@InjectDataSource() private readonly ds: DataSource) {}

  async execute(q: ShowRequestQuery): Promise<RequestView> {
    const rows = (await this.ds.query(
      `SELECT r.*, c.name AS c_name, c.upn AS c_upn, c.email AS c_email FROM issuance_request r JOIN cardholder c ON c.id = r.cardholder_id WHERE r.id = $1`,
      [q.requestId],
    )) as Array<{
      id: string;
      batch_id: string | null;
      cardholder_id: string;
      profile_id: string;
      profile: CardProfileDefinition;
      state: RequestState;
      state_changed_at: Date;
      failure: string | null;
      worker_id: string | null;
      card_id: string | null;
      created_by: string;
      created_at: Date;
      c_name: string;
      c_upn: string | null;
      c_email: string | null;
    }>;
    const r = rows[0];
    if (!r) throw new IssuanceError(IssuanceErrorCode.NotFound, `no issuance request ${q.requestId}`, { requestId: q.requestId });
    const [history, vsc, certs] = await Promise.all([
      this.ds.query(`SELECT from_state, to_state, at, actor, details FROM issuance_request_event WHERE request_id = $1 ORDER BY id`, [
        r.id,
      ]) as Promise<Array<{ from_state: string | null; to_state: string; at: Date; actor: string; details: Record<string, unknown> }>>,
      this.ds.query(
        `SELECT s.id, s.current_version, v.escrowed_at, v.sha256 FROM vsc s JOIN vsc_version v ON v.vsc_id = s.id AND v.version = s.current_version WHERE s.request_id = $1`,
        [r.id],
      ) as Promise<Array<{ id: string; current_version: number; escrowed_at: Date | null; sha256: Buffer }>>,
      this.ds.query(
        `SELECT serial, status, reference->>'slot' AS slot FROM ca_certificate WHERE reference->>'requestId' = $1 ORDER BY created_at`,
        [r.id],
      ) as Promise<Array<{ serial: string; status: string; slot: string }>>,
    ]);
    return {
      id: r.id,
      batchId: r.batch_id,
      cardholder: { id: r.cardholder_id, name: r.c_name, upn: r.c_upn, email: r.c_email },
      profileId: r.profile_id,
      state: r.state,
      stateChangedAt: r.state_changed_at.toISOString(),
      failure: r.failure,
      workerId: r.worker_id,
      cardId: r.card_id,
      createdBy: r.created_by,
      createdAt: r.created_at.toISOString(),
      vsc: vsc[0]
        ? { id: vsc[0].id, currentVersion: vsc[0].current_version, escrowed: !!vsc[0].escrowed_at, sha256: vsc[0].sha256.toString('hex') }
        : null,
      slots: profileSlots(r.profile).map(([slot, s]) => {
        // The newest valid certificate of the slot, else the newest of any status.
        const c =
          [...certs].reverse().find((x) => x.slot === slot && x.status === 'valid') ?? [...certs].reverse().find((x) => x.slot === slot);
        return { slot, algorithm: s.algorithm, escrow: s.escrow, certificate: c ? { serial: c.serial, status: c.status } : null };
      }),
      history: history.map((h) => ({ from: h.from_state, to: h.to_state, at: h.at.toISOString(), actor: h.actor, details: h.details })),
    };
  }
}

@QueryHandler(ListRequestsQuery)
export class ListRequestsHandler implements IQueryHandler<ListRequestsQuery, RequestSummary[]> {
  constructor(@InjectDataSource() private readonly ds: DataSource) {}

  async execute(q: ListRequestsQuery): Promise<RequestSummary[]> {
    const where: string[] = [];
    const params: unknown[] = [];
    for (const [col, v] of [
      ['r.batch_id', q.filter.batchId],
      ['r.state', q.filter.state],
      ['r.cardholder_id', q.filter.cardholderId],
    ] as const) {
      if (v === undefined) continue;
      params.push(v);
      where.push(`${col} = $${params.length}`);
    }
    params.push(Math.min(q.filter.limit ?? 1000, 20000));
    const rows = (await this.ds.query(
      `SELECT r.id, r.batch_id, r.cardholder_id, c.name, r.profile_id, r.state, r.state_changed_at, r.failure
         FROM issuance_request r JOIN cardholder c ON c.id = r.cardholder_id
        ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY r.created_at DESC, r.id LIMIT $${params.length}`,
      params,
    )) as Array<{
      id: string;
      batch_id: string | null;
      cardholder_id: string;
      name: string;
      profile_id: string;
      state: string;
      state_changed_at: Date;
      failure: string | null;
    }>;
    return rows.map((r) => ({
      id: r.id,
      batchId: r.batch_id,
      cardholderId: r.cardholder_id,
      cardholderName: r.name,
      profileId: r.profile_id,
      state: r.state,
      stateChangedAt: r.state_changed_at.toISOString(),
      failure: r.failure,
    }));
  }
}

@QueryHandler(ShowBatchQuery)
export class ShowBatchHandler implements IQueryHandler<ShowBatchQuery, BatchView> {
  constructor(@InjectDataSource() private readonly ds: DataSource) {}

  async execute(q: ShowBatchQuery): Promise<BatchView> {
    const b = (await this.ds.query(`SELECT * FROM issuance_batch WHERE id = $1`, [q.batchId])) as Array<{
      id: string;
      reference: string | null;
      size: number;
      created_by: string;
      created_at: Date;
    }>;
    if (!b[0]) throw new IssuanceError(IssuanceErrorCode.NotFound, `no issuance batch ${q.batchId}`, { batchId: q.batchId });
    const counts = (await this.ds.query(`SELECT state, count(*)::int AS n FROM issuance_request WHERE batch_id = $1 GROUP BY state`, [
      q.batchId,
    ])) as Array<{
      state: string;
      n: number;
    }>;
    return {
      id: b[0].id,
      reference: b[0].reference,
      size: b[0].size,
      createdBy: b[0].created_by,
      createdAt: b[0].created_at.toISOString(),
      states: Object.fromEntries(counts.map((c) => [c.state, c.n])),
    };
  }
}
