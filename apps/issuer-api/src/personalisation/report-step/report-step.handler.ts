import { Inject } from '@nestjs/common';
import type { StepOutcome } from '@scm/personalisation';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { CARD_REPOSITORY, type CardRepository } from '../../issuance/cards/card.repository';
import { REQUEST_REPOSITORY, type RequestRepository } from '../../issuance/requests/request.repository';
import type { RequestState } from '../../issuance/requests/request-state';
import { type Tx, UnitOfWork } from '../../platform/infra/unit-of-work';
import { AttemptsService, type StepRef } from '../attempts/attempts.service';
import { PERSONALISATION_REPOSITORY, type PersonalisationRepository } from '../attempts/personalisation.repository';
import { ClaimGuardService } from '../leases/claim-guard.service';
import { ReportStepCommand } from './report-step.command';
import { parseStepReport, reportedRequest, type StepReport } from './step-report';

/** Requests whose attempts still take reports (an issued card's last reports arrive after the proofs). */
const REPORTING_STATES: readonly RequestState[] = ['personalising', 'verifying', 'issued'];

/** The most reports recorded in one transaction. */
const BATCH_MAX = 64;

interface Waiting {
  c: ReportStepCommand;
  resolve: (recorded: boolean) => void;
  reject: (e: unknown) => void;
}

/**
 * Step reports of personalisation attempts, live over the worker channel or POSTed when it is
 * down: each is checked against the attempt it names (only the claiming worker's current attempt
 * counts), logged, audited and announced to progress streams. Reports of one request are recorded
 * in arrival order, and together: the reports of a request that arrive while its previous ones are
 * being recorded (a worker's batch, a burst) share the next transaction, one lease renewal and one
 * audit insert. A batch that fails is recorded again report by report, so one bad report costs
 * only itself.
 */
@CommandHandler(ReportStepCommand)
export class ReportStepHandler implements ICommandHandler<ReportStepCommand, boolean> {
  private readonly queues = new Map<string, Waiting[]>();

  constructor(
    private readonly uow: UnitOfWork,
    private readonly attempts: AttemptsService,
    @Inject(PERSONALISATION_REPOSITORY) private readonly log: PersonalisationRepository,
    @Inject(REQUEST_REPOSITORY) private readonly requests: RequestRepository,
    @Inject(CARD_REPOSITORY) private readonly cards: CardRepository,
    private readonly guard: ClaimGuardService,
  ) {}

  execute(c: ReportStepCommand): Promise<boolean> {
    const requestId = reportedRequest(c.report);
    if (!requestId) return Promise.resolve(false);
    return new Promise<boolean>((resolve, reject) => {
      const queue = this.queues.get(requestId);
      if (queue) {
        queue.push({ c, resolve, reject });
        return;
      }
      const fresh: Waiting[] = [{ c, resolve, reject }];
      this.queues.set(requestId, fresh);
      // Reports issued in the same turn (one channel message) join the first batch.
      setImmediate(() => void this.drain(requestId, fresh));
    });
  }

  private async drain(requestId: string, queue: Waiting[]): Promise<void> {
    while (queue.length > 0) {
      // One worker's reports per transaction (the actor of the audit records is the worker).
      const worker = queue[0].c.workerId;
      let n = 1;
      while (n < queue.length && n < BATCH_MAX && queue[n].c.workerId === worker) n++;
      const batch = queue.splice(0, n);
      try {
        const recorded = await this.recordAll(batch.map((w) => w.c));
        batch.forEach((w, i) => w.resolve(recorded[i]));
      } catch (e) {
        if (batch.length === 1) batch[0].reject(e);
        else for (const w of batch) await this.recordAll([w.c]).then(([r]) => w.resolve(r), w.reject);
      }
    }
    this.queues.delete(requestId);
  }

  /** Records one worker's reports of one request in one transaction; says of each whether it counted. */
  private async recordAll(commands: ReportStepCommand[]): Promise<boolean[]> {
    const reports = commands.map((c) => parseStepReport(c.report));
    if (reports.every((r) => !r)) return reports.map(() => false);
    const { workerId, actor } = commands[0];
    return this.uow.run(actor, async (tx) => {
      const attempts = new Map<number, Awaited<ReturnType<ReportStepHandler['currentAttempt']>>>();
      const recorded: boolean[] = [];
      let renewed = false;
      // Steps wait here and are written together, in order, before a plan (which changes the total) and at the end.
      let pending: { ref: StepRef; steps: Array<{ step: string; outcome: StepOutcome; details: Record<string, unknown> }> } | undefined;
      const flush = async () => {
        if (pending) await this.attempts.recordSteps(tx, pending.ref, pending.steps);
        pending = undefined;
      };
      for (const report of reports) {
        if (!report) {
          recorded.push(false);
          continue;
        }
        if (!attempts.has(report.attempt)) attempts.set(report.attempt, await this.currentAttempt(tx, workerId, report));
        const current = attempts.get(report.attempt);
        if (!current) {
          recorded.push(false);
          continue;
        }
        // A worker reporting progress keeps its lease on the request.
        if (!renewed) await this.guard.renew(tx, report.requestId, workerId);
        renewed = true;
        recorded.push(true);
        if (report.kind === 'plan') {
          await flush();
          await this.log.update(tx, report.requestId, { stepsTotal: report.steps.length, updatedAt: tx.now }, report.attempt);
          continue;
        }
        const { requestId, attempt, step, outcome, details } = report;
        if (pending && pending.ref.attempt !== attempt) await flush();
        pending ??= {
          ref: { requestId, batchId: current.batchId, cardId: current.cardId, workerId, attempt, serial: current.serial },
          steps: [],
        };
        pending.steps.push({ step, outcome, details });
        if (outcome !== 'started') {
          tx.audit({
            action: 'personalisation.step',
            targetType: 'card',
            targetId: current.cardId,
            outcome: outcome === 'failed' ? 'failure' : 'success',
            details: { requestId, attempt, step, outcome, ...details },
          });
        }
      }
      await flush();
      return recorded;
    });
  }

  /** The attempt the report names, when it is this worker's current attempt of a request that takes reports. */
  private async currentAttempt(
    tx: Tx,
    workerId: string,
    r: StepReport,
  ): Promise<{ cardId: string; batchId: string | null; serial: string | null } | undefined> {
    // The request's row first, then the attempt's, as every personalisation command takes them: a
    // batch writes the attempt's row and then step rows that reference the request, and in the other
    // order it would deadlock with a command holding the request and waiting for the attempt.
    const request = await this.requests.lock(tx, r.requestId);
    if (!request || !REPORTING_STATES.includes(request.state)) return undefined;
    const attempt = await this.log.get(r.requestId, tx);
    if (!attempt || attempt.workerId !== workerId || attempt.attempt !== r.attempt) return undefined;
    const card = await this.cards.get(attempt.cardId, tx);
    return card && { cardId: card.id, batchId: request.batchId, serial: card.serial };
  }
}
