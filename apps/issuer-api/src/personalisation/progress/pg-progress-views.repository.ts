import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { CardEntity, PersonalisationStepEntity } from '@scm/db';
import { type DataSource, In } from 'typeorm';
import type { CardProgress, ProgressViewsRepository, StepLogEntry } from './progress-views.repository';

interface SnapshotRow {
  id: string;
  name: string;
  state: string;
  failure: string | null;
  serial: string | null;
  attempt: number | null;
  steps_done: number | null;
  steps_total: number | null;
  last_step: string | null;
}

@Injectable()
export class PgProgressViewsRepository implements ProgressViewsRepository {
  constructor(@InjectDataSource() private readonly ds: DataSource) {}

  async snapshot(filter: { batchId: string } | { requestId: string }): Promise<CardProgress[]> {
    const [where, id] = 'batchId' in filter ? ['r.batch_id = $1', filter.batchId] : ['r.id = $1', filter.requestId];
    const rows: SnapshotRow[] = await this.ds.query(
      `SELECT r.id, ch.name, r.state, r.failure, c.serial, p.attempt, p.steps_done, p.steps_total, p.last_step
         FROM issuance_request r JOIN cardholder ch ON ch.id = r.cardholder_id
         LEFT JOIN card c ON c.id = r.card_id LEFT JOIN personalisation p ON p.request_id = r.id
        WHERE ${where} ORDER BY r.created_at, r.id`,
      [id],
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

  async steps(requestId: string): Promise<StepLogEntry[]> {
    const em = this.ds.manager;
    const steps = await em.find(PersonalisationStepEntity, { where: { requestId }, order: { id: 'ASC' } });
    const cardIds = [...new Set(steps.map((s) => s.cardId).filter((id): id is string => !!id))];
    const cards = cardIds.length ? await em.find(CardEntity, { select: ['id', 'serial'], where: { id: In(cardIds) } }) : [];
    const serials = new Map(cards.map((c) => [c.id, c.serial]));
    return steps.map((s) => ({
      attempt: s.attempt,
      step: s.step,
      outcome: s.outcome,
      details: s.details,
      at: s.at,
      serial: (s.cardId && serials.get(s.cardId)) ?? null,
      workerId: s.workerId,
    }));
  }
}
