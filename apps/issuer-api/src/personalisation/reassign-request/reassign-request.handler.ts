import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { CARD_REPOSITORY, type CardRepository } from '../../issuance/cards/card.repository';
import { REQUEST_REPOSITORY, type RequestRepository } from '../../issuance/requests/request.repository';
import { RequestStateMachine } from '../../issuance/requests/request-state-machine';
import { UnitOfWork } from '../../platform/infra/unit-of-work';
import { WORKER_REPOSITORY, type WorkerRepository } from '../../trust/workers/worker.repository';
import { AttemptOutcomesService } from '../attempts/attempt-outcomes.service';
import { ACTIVE_STATES } from '../attempts/attempt-rules';
import { CLAIMABLE_STATES } from '../claim-card/claim-rules';
import { CARD_LEASE_REPOSITORY, type CardLeaseRepository } from '../leases/card-lease.repository';
import { PersonalisationError, PersonalisationErrorCode as E } from '../personalisation-errors';
import { approved } from '../worker-principal';
import { ReassignRequestCommand, type ReassignedView } from './reassign-request.command';

/**
 * Moving an in-flight request to another worker is an officer's decision, never a worker's: the
 * request keeps its card; an attempt in progress is interrupted (the old worker's next call is
 * refused), its lease dropped, and the new worker resumes it once the card is in one of its
 * readers. Audited, refusals included.
 */
@CommandHandler(ReassignRequestCommand)
export class ReassignRequestHandler implements ICommandHandler<ReassignRequestCommand, ReassignedView> {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly states: RequestStateMachine,
    private readonly outcomes: AttemptOutcomesService,
    @Inject(REQUEST_REPOSITORY) private readonly requests: RequestRepository,
    @Inject(CARD_REPOSITORY) private readonly cards: CardRepository,
    @Inject(WORKER_REPOSITORY) private readonly workers: WorkerRepository,
    @Inject(CARD_LEASE_REPOSITORY) private readonly leases: CardLeaseRepository,
  ) {}

  execute(c: ReassignRequestCommand): Promise<ReassignedView> {
    return this.uow.run(c.actor, async (tx) => {
      const deny = (e: PersonalisationError) =>
        tx.deny(e, {
          action: 'personalisation.reassign',
          targetType: 'issuance-request',
          targetId: c.requestId,
          details: { to: c.workerId, reason: e.code },
        });
      const target = await this.workers.get(c.workerId, tx);
      if (!target) return deny(new PersonalisationError(E.NotFound, `no worker ${c.workerId}`));
      if (!approved(target)) {
        return deny(
          new PersonalisationError(E.Invalid, `worker ${target.name} is ${target.status}; only an approved worker takes a request`),
        );
      }
      let request = await this.states.lock(tx, c.requestId);
      if (!request) return deny(new PersonalisationError(E.NotFound, `no issuance request ${c.requestId}`));
      if (!request.cardId || !CLAIMABLE_STATES.includes(request.state)) {
        return deny(
          new PersonalisationError(
            E.NotInFlight,
            `request ${request.id} is ${request.state} and not bound to a card: any worker may lease it`,
            {
              state: request.state,
            },
          ),
        );
      }
      if (request.workerId === target.id) {
        return deny(new PersonalisationError(E.Invalid, `request ${request.id} is already personalised by worker ${target.name}`));
      }
      const from = request.workerId;
      const card = await this.cards.get(request.cardId, tx);
      const serial = card?.serial ?? null;
      const interrupted = (ACTIVE_STATES as readonly string[]).includes(request.state);
      if (interrupted) request = await this.outcomes.interrupt(tx, request, `reassigned by an officer: ${c.reason}`, serial);
      await this.requests.assign(tx, request.id, { workerId: target.id });
      await this.leases.remove(tx, request.id);
      tx.audit({
        action: 'personalisation.reassigned',
        targetType: 'issuance-request',
        targetId: request.id,
        outcome: 'success',
        details: { from, to: target.id, serial, interrupted, reason: c.reason },
      });
      return { requestId: request.id, state: request.state, serial, from, to: target.id };
    });
  }
}
