import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { PersonalisationError, PersonalisationErrorCode } from '../personalisation-errors';

/** One request's card, as a progress bar shows it. */
export interface CardProgress {
  requestId: string;
  cardholder: string;
  state: string;
  failure: string | null;
  serial: string | null;
  attempt: number | null;
  stepsDone: number;
  stepsTotal: number | null;
  lastStep: string | null;
}

/** Where the requests of a batch (or one request) stand, cards and steps included. */
@Injectable()
export class ProgressQuery {
  constructor(@InjectDataSource() private readonly ds: DataSource) {}

  async snapshot(filter: { batchId?: string; requestId?: string }): Promise<CardProgress[]> {
    const where = filter.batchId ? 'r.batch_id = $1' : 'r.id = $1';
    const rows = (await this.ds.query(
      `SELECT r.id, ch.name, r.state, r.failure, c.serial, p.attempt, p.steps_done, p.steps_total, p.last_step
         FROM issuance_request r JOIN cardholder ch ON ch.id = r.cardholder_id
         LEFT JOIN card c ON c.id = r.card_id LEFT JOIN personalisation p ON p.request_id = r.id
        WHERE ${where} ORDER BY r.created_at, r.id`,
      [filter.batchId ?? filter.requestId],
    )) as Array<{
      id: string;
      name: string;
      state: string;
      failure: string | null;
      serial: string | null;
      attempt: number | null;
      steps_done: number | null;
      steps_total: number | null;
      last_step: string | null;
    }>;
    if (!rows.length)
      throw new PersonalisationError(
        PersonalisationErrorCode.NotFound,
        filter.batchId ? `no batch ${filter.batchId}` : `no request ${filter.requestId}`,
      );
    return rows.map((r) => ({
      requestId: r.id,
      cardholder: r.name,
      state: r.state,
      failure: r.failure,
      serial: r.serial,
      attempt: r.attempt,
      stepsDone: r.steps_done ?? 0,
      stepsTotal: r.steps_total,
      lastStep: r.last_step,
    }));
  }
}
