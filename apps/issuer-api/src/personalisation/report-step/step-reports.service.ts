import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { isStepName, PLAN_EVENT, STEP_EVENT, type StepOutcome } from '@scm/personalisation';
import type { Logger } from 'pino';
import type { Actor } from '../../trust/auth/principal';
import { LOGGER } from '../../platform/infra/tokens';
import { UnitOfWork } from '../../platform/infra/unit-of-work';
import { WorkerChannel } from '../../trust/workers/worker-channel';
import { AttemptsService } from '../attempts.service';

const OUTCOMES: readonly StepOutcome[] = ['started', 'done', 'skipped', 'failed'];
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** A report as it arrives, before checking: anything a worker sends is untrusted input. */
export type RawReport = Record<string, unknown>;

/** Keeps only safe, short scalar facts of a report's details. */
function safeDetails(d: unknown): Record<string, string | number | boolean> {
  const out: Record<string, string | number | boolean> = {};
  if (!d || typeof d !== 'object') return out;
  for (const [k, v] of Object.entries(d as Record<string, unknown>).slice(0, 12)) {
    if (!/^[a-zA-Z][a-zA-Z0-9]{0,30}$/.test(k)) continue;
    if (typeof v === 'number' && Number.isFinite(v)) out[k] = v;
    else if (typeof v === 'boolean') out[k] = v;
    else if (typeof v === 'string') out[k] = v.slice(0, 200);
  }
  return out;
}

/**
 * Step reports of personalisation attempts, live over the worker channel (or POSTed when the
 * channel is down): each is checked against the attempt it names (only the claiming worker's
 * current attempt counts), logged, audited and announced to progress streams. Reports of one
 * request are recorded in arrival order.
 */
@Injectable()
export class StepReportsService implements OnModuleInit {
  private readonly chains = new Map<string, Promise<void>>();

  constructor(
    private readonly uow: UnitOfWork,
    private readonly attempts: AttemptsService,
    private readonly channel: WorkerChannel,
    @Inject(LOGGER) private readonly log: Logger,
  ) {}

  onModuleInit(): void {
    this.channel.onMessageFrom((workerId, m) => {
      if (m.type !== 'event' || (m.event !== STEP_EVENT && m.event !== PLAN_EVENT) || !m.data) return;
      const actor: Actor = { actor: `worker:${workerId}`, actorName: null, role: 'card-worker', requestId: null };
      void this.record(workerId, m.event === PLAN_EVENT ? { ...m.data, plan: true } : m.data, actor).catch((e: unknown) =>
        this.log.warn({ worker: workerId, err: (e as Error).message }, 'step report not recorded'),
      );
    });
  }

  /** Records one report; resolves false when it names no current attempt of this worker. */
  record(workerId: string, raw: RawReport, actor: Actor): Promise<boolean> {
    const requestId = String(raw.requestId ?? '');
    if (!UUID.test(requestId)) return Promise.resolve(false);
    const prev = this.chains.get(requestId) ?? Promise.resolve();
    const next = prev.then(() => this.recordNow(workerId, requestId, raw, actor));
    const tail = next.then(
      () => undefined,
      () => undefined,
    );
    this.chains.set(requestId, tail);
    void tail.then(() => {
      if (this.chains.get(requestId) === tail) this.chains.delete(requestId);
    });
    return next;
  }

  private async recordNow(workerId: string, requestId: string, raw: RawReport, actor: Actor): Promise<boolean> {
    const attempt = Number(raw.attempt);
    if (!Number.isInteger(attempt) || attempt < 1) return false;
    return this.uow.run(actor, async (tx) => {
      const rows = (await tx.em.query(
        `SELECT p.card_id, r.batch_id, c.serial FROM personalisation p JOIN issuance_request r ON r.id = p.request_id JOIN card c ON c.id = p.card_id
          WHERE p.request_id = $1 AND p.worker_id = $2 AND p.attempt = $3 AND r.state IN ('personalising', 'verifying', 'issued')`,
        [requestId, workerId, attempt],
      )) as Array<{ card_id: string; batch_id: string | null; serial: string | null }>;
      const a = rows[0];
      if (!a) return false;
      if (raw.plan === true) {
        const steps = Array.isArray(raw.steps)
          ? raw.steps.filter((s): s is string => typeof s === 'string' && isStepName(s)).slice(0, 64)
          : [];
        await tx.em.query(`UPDATE personalisation SET steps_total = $2, updated_at = $3 WHERE request_id = $1 AND attempt = $4`, [
          requestId,
          steps.length,
          tx.now,
          attempt,
        ]);
        return true;
      }
      const step = String(raw.step ?? '');
      const outcome = String(raw.outcome ?? '') as StepOutcome;
      if (!isStepName(step) || !OUTCOMES.includes(outcome)) return false;
      const details = safeDetails(raw.details);
      await this.attempts.recordStep(
        tx,
        { requestId, batchId: a.batch_id, cardId: a.card_id, workerId, attempt, serial: a.serial },
        step,
        outcome,
        details,
      );
      if (outcome !== 'started') {
        tx.audit({
          action: 'personalisation.step',
          targetType: 'card',
          targetId: a.card_id,
          outcome: outcome === 'failed' ? 'failure' : 'success',
          details: { requestId, attempt, step, outcome, ...details },
        });
      }
      return true;
    });
  }
}
