import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { CARD_REPOSITORY, type CardRepository } from '../../../issuance/cards/card.repository';
import { RequestStateMachine } from '../../../issuance/requests/request-state-machine';
import { API_CONFIG, type ApiConfig } from '../../../platform/config/api-config';
import type { Clock } from '../../../platform/infra/clock.port';
import { CLOCK } from '../../../platform/infra/tokens';
import { UnitOfWork } from '../../../platform/infra/unit-of-work';
import { systemActor } from '../../../trust/auth/principal';
import { AttemptOutcomesService } from '../../attempts/attempt-outcomes.service';
import { ACTIVE_STATES } from '../../attempts/attempt-rules';
import { PERSONALISATION_REPOSITORY, type PersonalisationRepository } from '../../attempts/personalisation.repository';
import { attemptIdle } from '../../spoil-card/spoil-rules';
import { SweepStalledAttemptsCommand } from './sweep-stalled-attempts.command';

const ACTOR = systemActor('personalisation-watchdog');
/** Requests moved per sweep; the next sweep takes the rest. */
const PER_SWEEP = 100;

/**
 * A worker that died mid-attempt reports nothing: after SCM_PERSONALISATION_STALL_SECONDS without a
 * step, its request goes back to waiting for its card (the binding stays), so the card can be put
 * into any reader to resume — or spoiled by an officer. Safe with several API replicas: each
 * request is checked again under its row lock, in a transaction of its own.
 */
@CommandHandler(SweepStalledAttemptsCommand)
export class SweepStalledAttemptsHandler implements ICommandHandler<SweepStalledAttemptsCommand, number> {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly states: RequestStateMachine,
    private readonly outcomes: AttemptOutcomesService,
    @Inject(PERSONALISATION_REPOSITORY) private readonly attempts: PersonalisationRepository,
    @Inject(CARD_REPOSITORY) private readonly cards: CardRepository,
    @Inject(API_CONFIG) private readonly cfg: ApiConfig,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async execute(_command: SweepStalledAttemptsCommand): Promise<number> {
    const stallSeconds = this.cfg.SCM_PERSONALISATION_STALL_SECONDS;
    const stalled = await this.attempts.stalled(new Date(this.clock.now().getTime() - stallSeconds * 1000), PER_SWEEP);
    let moved = 0;
    for (const { requestId } of stalled) {
      const done = await this.uow.run(ACTOR, async (tx) => {
        const request = await this.states.lock(tx, requestId);
        const attempt = await this.attempts.get(requestId, tx);
        if (!request || !attempt || !(ACTIVE_STATES as readonly string[]).includes(request.state)) return false;
        // A report may have come in since the sweep began.
        if (!attemptIdle(attempt, tx.now, stallSeconds)) return false;
        const card = await this.cards.get(attempt.cardId, tx);
        await this.outcomes.interrupt(tx, request, 'no report from the worker: worker lost', card?.serial ?? null);
        return true;
      });
      if (done) moved++;
    }
    return moved;
  }
}
