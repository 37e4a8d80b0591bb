import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';
import { IssuanceRequestEntity, PersonalisationEntity, PersonalisationStepEntity } from '@scm/db';
import type { DataSource } from 'typeorm';
import type { TxScope } from '../../platform/infra/unit-of-work';
import { ACTIVE_STATES } from './attempt-rules';
import type { Attempt, PersonalisationRepository, StepEvent, StepRecord } from './personalisation.repository';

/** PostgreSQL channel on which step reports are announced after commit (progress streams). */
export const PERSONALISATION_CHANNEL = 'scm_personalisation';

@Injectable()
export class PgPersonalisationRepository implements PersonalisationRepository {
  constructor(@InjectDataSource() private readonly ds: DataSource) {}

  async lock(tx: TxScope, requestId: string): Promise<Attempt | undefined> {
    return (
      (await tx.em
        .createQueryBuilder(PersonalisationEntity, 'p')
        .where('p.requestId = :requestId', { requestId })
        .setLock('pessimistic_write')
        .getOne()) ?? undefined
    );
  }

  async get(requestId: string, tx: TxScope): Promise<Attempt | undefined> {
    return (await tx.em.findOneBy(PersonalisationEntity, { requestId })) ?? undefined;
  }

  async put(tx: TxScope, attempt: Attempt): Promise<void> {
    await tx.em.upsert(PersonalisationEntity, attempt, ['requestId']);
  }

  async update(tx: TxScope, requestId: string, patch: Partial<Omit<Attempt, 'requestId'>>, attempt?: number): Promise<void> {
    await tx.em.update(PersonalisationEntity, attempt === undefined ? { requestId } : { requestId, attempt }, patch);
  }

  async remove(tx: TxScope, requestId: string): Promise<void> {
    await tx.em.delete(PersonalisationEntity, { requestId });
  }

  async addStep(tx: TxScope, step: StepRecord, counted: boolean): Promise<{ stepsDone: number; stepsTotal: number | null } | undefined> {
    return (await this.addSteps(tx, [{ step, counted }]))[0];
  }

  async addSteps(
    tx: TxScope,
    steps: ReadonlyArray<{ step: StepRecord; counted: boolean }>,
  ): Promise<Array<{ stepsDone: number; stepsTotal: number | null } | undefined>> {
    if (steps.length === 0) return [];
    const first = steps[0].step;
    if (steps.some((s) => s.step.requestId !== first.requestId || s.step.attempt !== first.attempt))
      throw new RangeError('addSteps takes the steps of one attempt');
    // One INSERT of every row, one UPDATE of the counters: two statements for the whole batch.
    await tx.em.insert(
      PersonalisationStepEntity,
      steps.map((s) => ({ ...s.step }) as QueryDeepPartialEntity<PersonalisationStepEntity>),
    );
    const counted = steps.filter((s) => s.counted).length;
    const last = steps[steps.length - 1].step;
    const r = await tx.em
      .createQueryBuilder()
      .update(PersonalisationEntity)
      .set({ stepsDone: () => `steps_done + ${counted}`, lastStep: last.step, updatedAt: last.at })
      .where('request_id = :requestId AND attempt = :attempt', { requestId: first.requestId, attempt: first.attempt })
      .returning(['stepsDone', 'stepsTotal'])
      .execute();
    const row = (r.raw as Array<{ steps_done: number; steps_total: number | null }>)[0];
    if (!row) return steps.map(() => undefined);
    // The counters after each step: the final count less what the steps after it counted.
    let after = row.steps_done;
    const out: Array<{ stepsDone: number; stepsTotal: number | null }> = [];
    for (let i = steps.length - 1; i >= 0; i--) {
      out[i] = { stepsDone: after, stepsTotal: row.steps_total };
      if (steps[i].counted) after--;
    }
    return out;
  }

  async doneSteps(requestId: string, cardId: string, tx: TxScope): Promise<string[]> {
    const rows = await tx.em
      .createQueryBuilder(PersonalisationStepEntity, 's')
      .select('DISTINCT s.step', 'step')
      .where('s.requestId = :requestId AND s.cardId = :cardId AND s.outcome = :done', { requestId, cardId, done: 'done' })
      .getRawMany<{ step: string }>();
    return rows.map((s) => s.step).sort();
  }

  async announce(tx: TxScope, events: readonly StepEvent[]): Promise<void> {
    if (events.length === 0) return;
    // Notifications of one transaction are delivered in the order they were sent.
    const calls = events.map((_, i) => `pg_notify($1, $${i + 2})`).join(', ');
    await tx.em.query(`SELECT ${calls}`, [PERSONALISATION_CHANNEL, ...events.map((e) => JSON.stringify(e))]);
  }

  stalled(before: Date, limit: number): Promise<Attempt[]> {
    return this.ds.manager
      .createQueryBuilder(PersonalisationEntity, 'p')
      .innerJoin(IssuanceRequestEntity, 'r', 'r.id = p.requestId')
      .where('r.state IN (:...states)', { states: [...ACTIVE_STATES] })
      .andWhere('p.updatedAt < :before', { before })
      .limit(limit)
      .getMany();
  }
}

/** Decodes a notification payload of PERSONALISATION_CHANNEL. */
export const parseStepNotification = (payload: string): StepEvent => JSON.parse(payload) as StepEvent;
