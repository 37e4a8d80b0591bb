import type { InMemoryRequestRepository } from '../../issuance/requests/in-memory-request.repository';
import type { TxScope } from '../../platform/infra/unit-of-work';
import { ACTIVE_STATES } from './attempt-rules';
import type { Attempt, PersonalisationRepository, StepEvent, StepRecord } from './personalisation.repository';

/** Attempts and their step logs in memory, for handler specs (the requests, when given, answer `stalled`). */
export class InMemoryPersonalisationRepository implements PersonalisationRepository {
  readonly rows = new Map<string, Attempt>();
  readonly steps: StepRecord[] = [];
  readonly announced: StepEvent[] = [];

  constructor(private readonly requests?: InMemoryRequestRepository) {}

  seed(a: Partial<Attempt> & Pick<Attempt, 'requestId' | 'cardId' | 'workerId'>): Attempt {
    const row: Attempt = {
      attempt: 1,
      stepsTotal: null,
      stepsDone: 0,
      lastStep: null,
      managementKey: 'transport',
      proofNonce: null,
      decryptCheck: null,
      refusals: 0,
      refusedStep: null,
      refusedSw: null,
      startedAt: new Date('2026-12-01T08:30:00Z'),
      updatedAt: new Date('2026-12-01T08:30:00Z'),
      ...a,
    };
    this.rows.set(row.requestId, row);
    return row;
  }

  async lock(_tx: TxScope, requestId: string): Promise<Attempt | undefined> {
    return this.get(requestId);
  }

  async get(requestId: string): Promise<Attempt | undefined> {
    const a = this.rows.get(requestId);
    return a && { ...a };
  }

  async put(_tx: TxScope, attempt: Attempt): Promise<void> {
    this.rows.set(attempt.requestId, { ...attempt });
  }

  async update(_tx: TxScope, requestId: string, patch: Partial<Omit<Attempt, 'requestId'>>, attempt?: number): Promise<void> {
    const a = this.rows.get(requestId);
    if (a && (attempt === undefined || a.attempt === attempt)) this.rows.set(requestId, { ...a, ...patch });
  }

  async remove(_tx: TxScope, requestId: string): Promise<void> {
    this.rows.delete(requestId);
  }

  async addStep(_tx: TxScope, step: StepRecord, counted: boolean): Promise<{ stepsDone: number; stepsTotal: number | null } | undefined> {
    this.steps.push({ ...step });
    const a = this.rows.get(step.requestId);
    if (!a || a.attempt !== step.attempt) return undefined;
    const next = { ...a, stepsDone: a.stepsDone + (counted ? 1 : 0), lastStep: step.step, updatedAt: step.at };
    this.rows.set(a.requestId, next);
    return { stepsDone: next.stepsDone, stepsTotal: next.stepsTotal };
  }

  async addSteps(
    tx: TxScope,
    steps: ReadonlyArray<{ step: StepRecord; counted: boolean }>,
  ): Promise<Array<{ stepsDone: number; stepsTotal: number | null } | undefined>> {
    const out: Array<{ stepsDone: number; stepsTotal: number | null } | undefined> = [];
    for (const s of steps) out.push(await this.addStep(tx, s.step, s.counted));
    return out;
  }

  async doneSteps(requestId: string, cardId: string): Promise<string[]> {
    const done = this.steps.filter((s) => s.requestId === requestId && s.cardId === cardId && s.outcome === 'done').map((s) => s.step);
    return [...new Set(done)].sort();
  }

  async announce(_tx: TxScope, events: readonly StepEvent[]): Promise<void> {
    this.announced.push(...events);
  }

  async stalled(before: Date, limit: number): Promise<Attempt[]> {
    const active = (a: Attempt) => {
      const state = this.requests?.rows.get(a.requestId)?.state;
      return !!state && (ACTIVE_STATES as readonly string[]).includes(state);
    };
    return [...this.rows.values()]
      .filter((a) => active(a) && a.updatedAt < before)
      .slice(0, limit)
      .map((a) => ({ ...a }));
  }
}
