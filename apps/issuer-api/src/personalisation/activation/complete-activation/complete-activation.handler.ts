import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { ActivationView } from '@scm/personalisation';
import { CardError } from '../../../issuance/cards/card-errors';
import { CardLifecycleService } from '../../../issuance/cards/card-lifecycle.service';
import { Refusal, type Tx, UnitOfWork } from '../../../platform/infra/unit-of-work';
import { PersonalisationError, PersonalisationErrorCode } from '../../personalisation-errors';
import { type ActivationSession, ACTIVATION_SESSION_REPOSITORY, type ActivationSessionRepository } from '../activation-session.repository';
import { ActivationService, type ServedSession } from '../activation.service';
import { type ActivationOutcome, CompleteActivationCommand } from './complete-activation.command';

/**
 * The worker's report closes the session: an activation makes the card active (issued → active)
 * or records why not; an unblock session (opened by the help desk) leaves the card as it is and
 * audits the new PIN's outcome, never the PIN.
 */
@CommandHandler(CompleteActivationCommand)
export class CompleteActivationHandler implements ICommandHandler<CompleteActivationCommand, ActivationView> {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly activation: ActivationService,
    private readonly lifecycle: CardLifecycleService,
    @Inject(ACTIVATION_SESSION_REPOSITORY) private readonly sessions: ActivationSessionRepository,
  ) {}

  execute(c: CompleteActivationCommand): Promise<ActivationView> {
    return this.uow.run(c.actor, async (tx) => {
      const served = await this.activation.served(tx, c.sessionId, c.worker, 'card.activated');
      if (served instanceof Refusal) return served;
      const { session: s } = served;
      if (!s.workerId)
        return tx.refuse(
          new PersonalisationError(PersonalisationErrorCode.NotReady, `activation ${s.id}: the worker never fetched the PUK`),
        );
      if (s.purpose === 'unblock') return this.completeUnblock(tx, served, c.worker.id, c.outcome);
      if (c.outcome.ok) {
        const r = await this.lifecycle.transition(tx, s.cardId, 'active', {
          sessionId: s.id,
          workstation: s.workstation,
          identityCheck: s.identityCheck,
        });
        if (r instanceof CardError) return tx.refuse(r);
        const closed = await this.close(tx, s, { state: 'completed' });
        tx.audit({
          action: 'card.activated',
          targetType: 'card',
          targetId: s.cardId,
          outcome: 'success',
          details: { sessionId: s.id, workerId: c.worker.id },
        });
        return this.activation.view(closed, tx);
      }
      const reason = (c.outcome.reason ?? 'unknown').slice(0, 200);
      const closed = await this.close(tx, s, { state: 'failed', failure: reason });
      tx.audit({
        action: 'card.activated',
        targetType: 'card',
        targetId: s.cardId,
        outcome: 'failure',
        details: { sessionId: s.id, workerId: c.worker.id, reason },
      });
      return this.activation.view(closed, tx, served.card);
    });
  }

  /** An unblock session: the card keeps its state; the outcome is audited, never the PIN. */
  private async completeUnblock(tx: Tx, served: ServedSession, workerId: string, outcome: ActivationOutcome): Promise<ActivationView> {
    const s = served.session;
    const reason = outcome.ok ? null : (outcome.reason ?? 'unknown').slice(0, 200);
    const closed = await this.close(tx, s, { state: outcome.ok ? 'completed' : 'failed', failure: reason });
    tx.audit({
      action: 'card.pin-unblocked',
      targetType: 'card',
      targetId: s.cardId,
      outcome: outcome.ok ? 'success' : 'failure',
      details: { sessionId: s.id, workerId, identityCheck: s.identityCheck, ...(reason ? { reason } : {}) },
    });
    return this.activation.view(closed, tx, served.card);
  }

  private async close(
    tx: Tx,
    s: ActivationSession,
    to: { state: 'completed' | 'failed'; failure?: string | null },
  ): Promise<ActivationSession> {
    const patch = { ...to, closedAt: tx.now };
    await this.sessions.update(tx, s.id, patch);
    return { ...s, ...patch };
  }
}
