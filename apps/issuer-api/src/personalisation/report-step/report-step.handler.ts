import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { CARD_REPOSITORY, type CardRepository } from '../../issuance/cards/card.repository';
import { REQUEST_REPOSITORY, type RequestRepository } from '../../issuance/requests/request.repository';
import type { RequestState } from '../../issuance/requests/request-state';
import { type Tx, UnitOfWork } from '../../platform/infra/unit-of-work';
import { AttemptsService } from '../attempts/attempts.service';
import { PERSONALISATION_REPOSITORY, type PersonalisationRepository } from '../attempts/personalisation.repository';
import { ClaimGuardService } from '../leases/claim-guard.service';
import { ReportStepCommand } from './report-step.command';
import { parseStepReport, reportedRequest, type StepReport } from './step-report';

/** Requests whose attempts still take reports (an issued card's last reports arrive after the proofs). */
const REPORTING_STATES: readonly RequestState[] = ['personalising', 'verifying', 'issued'];

/**
 * Step reports of personalisation attempts, live over the worker channel or POSTed when it is
 * down: each is checked against the attempt it names (only the claiming worker's current attempt
 * counts), logged, audited and announced to progress streams. Reports of one request are recorded
 * in arrival order.
 */
@CommandHandler(ReportStepCommand)
export class ReportStepHandler implements ICommandHandler<ReportStepCommand, boolean> {
  private readonly chains = new Map<string, Promise<void>>();

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
    const prev = this.chains.get(requestId) ?? Promise.resolve();
    const next = prev.then(() => this.record(c));
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

  private async record(c: ReportStepCommand): Promise<boolean> {
    const report = parseStepReport(c.report);
    if (!report) return false;
    return this.uow.run(c.actor, async (tx) => {
      const current = await this.currentAttempt(tx, c.workerId, report);
      if (!current) return false;
      // A worker reporting progress keeps its lease on the request.
      await this.guard.renew(tx, report.requestId, c.workerId);
      if (report.kind === 'plan') {
        await this.log.update(tx, report.requestId, { stepsTotal: report.steps.length, updatedAt: tx.now }, report.attempt);
        return true;
      }
      const { requestId, attempt, step, outcome, details } = report;
      await this.attempts.recordStep(
        tx,
        { requestId, batchId: current.batchId, cardId: current.cardId, workerId: c.workerId, attempt, serial: current.serial },
        step,
        outcome,
        details,
      );
      if (outcome !== 'started') {
        tx.audit({
          action: 'personalisation.step',
          targetType: 'card',
          targetId: current.cardId,
          outcome: outcome === 'failed' ? 'failure' : 'success',
          details: { requestId, attempt, step, outcome, ...details },
        });
      }
      return true;
    });
  }

  /** The attempt the report names, when it is this worker's current attempt of a request that takes reports. */
  private async currentAttempt(
    tx: Tx,
    workerId: string,
    r: StepReport,
  ): Promise<{ cardId: string; batchId: string | null; serial: string | null } | undefined> {
    const attempt = await this.log.get(r.requestId, tx);
    if (!attempt || attempt.workerId !== workerId || attempt.attempt !== r.attempt) return undefined;
    const request = await this.requests.get(r.requestId, tx);
    if (!request || !REPORTING_STATES.includes(request.state)) return undefined;
    const card = await this.cards.get(attempt.cardId, tx);
    return card && { cardId: card.id, batchId: request.batchId, serial: card.serial };
  }
}
