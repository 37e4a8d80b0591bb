import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { CARD_REPOSITORY, type CardRepository } from '../../../issuance/cards/card.repository';
import { RequestStateMachine } from '../../../issuance/requests/request-state-machine';
import { API_CONFIG, type ApiConfig } from '../../../platform/config/api-config';
import { type Refusal, type Tx, UnitOfWork } from '../../../platform/infra/unit-of-work';
import { WORKER_REPOSITORY, type WorkerRepository } from '../../../trust/workers/worker.repository';
import { PersonalisationError, PersonalisationErrorCode } from '../../personalisation-errors';
import { approved } from '../../worker-principal';
import { CARD_LEASE_REPOSITORY, type CardLeaseRepository } from '../card-lease.repository';
import { boundCardLease, leaseExpiry } from '../lease-rules';
import { type CardLeaseView, LeaseCardJobCommand } from './lease-card-job.command';

/**
 * Hands out card jobs: the API, not the workstation, decides which request a card is written for.
 * A card bound to a request resumes it, for the worker that personalises it only (another worker is
 * refused, audited: an officer reassigns); a blank card takes the oldest request waiting for one
 * that no live lease holds. The lease names the worker, its workstation, the reader and the card,
 * and runs out after SCM_CARD_LEASE_SECONDS unless renewed (asking again, claims, step reports).
 */
@CommandHandler(LeaseCardJobCommand)
export class LeaseCardJobHandler implements ICommandHandler<LeaseCardJobCommand, CardLeaseView> {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly states: RequestStateMachine,
    @Inject(CARD_LEASE_REPOSITORY) private readonly leases: CardLeaseRepository,
    @Inject(CARD_REPOSITORY) private readonly cards: CardRepository,
    @Inject(WORKER_REPOSITORY) private readonly workers: WorkerRepository,
    @Inject(API_CONFIG) private readonly cfg: ApiConfig,
  ) {}

  execute(c: LeaseCardJobCommand): Promise<CardLeaseView> {
    return this.uow.run(c.actor, (tx) => this.lease(tx, c));
  }

  private async lease(tx: Tx, c: LeaseCardJobCommand): Promise<CardLeaseView | Refusal> {
    // Audited, but not counted against the worker: reporting a card is not claiming it.
    const deny = (e: PersonalisationError, requestId: string | null) =>
      tx.deny(e, {
        action: 'personalisation.lease',
        targetType: 'issuance-request',
        targetId: requestId ?? c.card.serial,
        details: { workerId: c.workerId, workstation: c.workstation, reader: c.card.reader, serial: c.card.serial, reason: e.code },
      });
    if (!approved(await this.workers.get(c.workerId, tx))) {
      return deny(new PersonalisationError(PersonalisationErrorCode.NotClaimant, `worker ${c.workerId} is not approved`), null);
    }
    const expiresAt = leaseExpiry(tx.now, this.cfg.SCM_CARD_LEASE_SECONDS);
    const card = await this.cards.bySerial(c.card.serial, tx);
    if (card) {
      const request = card.requestId ? await this.states.lock(tx, card.requestId) : undefined;
      const bound = boundCardLease(card, request, c.workerId);
      if (bound instanceof PersonalisationError) return deny(bound, request?.id ?? null);
      if (bound.kind === 'none') return { lease: null };
      return this.grant(tx, c, bound.requestId, true, expiresAt);
    }
    // A card with an identity SCM does not know is not blank: nothing to write on it.
    if (c.card.guid) return { lease: null };
    const held = await this.leases.ofReader(tx, c.workerId, c.card.reader);
    if (held && held.serial === c.card.serial && held.expiresAt > tx.now) {
      const request = await this.states.lock(tx, held.requestId);
      if (request?.state === 'awaiting-card' && !request.cardId) {
        await this.leases.renew(tx, held.requestId, c.workerId, expiresAt);
        return { lease: { requestId: held.requestId, bound: false, expiresAt: expiresAt.toISOString() } };
      }
    }
    const next = await this.leases.lockNextFree(tx, tx.now);
    if (!next) return { lease: null };
    return this.grant(tx, c, next, false, expiresAt);
  }

  private async grant(tx: Tx, c: LeaseCardJobCommand, requestId: string, bound: boolean, expiresAt: Date): Promise<CardLeaseView> {
    const before = await this.leases.get(requestId, tx);
    await this.leases.put(tx, {
      requestId,
      workerId: c.workerId,
      workstation: c.workstation,
      reader: c.card.reader,
      serial: c.card.serial,
      atr: c.card.atr,
      leasedAt: tx.now,
      expiresAt,
    });
    // A new lease is audited; the same worker asking again for the same card only renews it.
    if (!before || before.workerId !== c.workerId || before.serial !== c.card.serial || before.expiresAt <= tx.now) {
      tx.audit({
        action: 'personalisation.leased',
        targetType: 'issuance-request',
        targetId: requestId,
        outcome: 'success',
        details: { workerId: c.workerId, workstation: c.workstation, reader: c.card.reader, serial: c.card.serial, bound },
      });
    }
    return { lease: { requestId, bound, expiresAt: expiresAt.toISOString() } };
  }
}
