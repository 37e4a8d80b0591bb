import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { CARD_REPOSITORY, type CardRepository } from '../../issuance/cards/card.repository';
import { IssuanceError } from '../../issuance/requests/issuance-errors';
import { type IssuanceRequest, REQUEST_REPOSITORY, type RequestRepository } from '../../issuance/requests/request.repository';
import { RequestStateMachine } from '../../issuance/requests/request-state-machine';
import { VSC_REPOSITORY, type VscRepository } from '../../issuance/vsc-escrow/vsc.repository';
import { type Refusal, type Tx, UnitOfWork } from '../../platform/infra/unit-of-work';
import { WorkerChannel, type WorkerConnections } from '../../trust/workers/worker-channel';
import { ClaimGuardService } from '../leases/claim-guard.service';
import { AttemptsService } from '../attempts/attempts.service';
import { PERSONALISATION_REPOSITORY, type PersonalisationRepository } from '../attempts/personalisation.repository';
import { WORKER_REPOSITORY, type WorkerRepository } from '../../trust/workers/worker.repository';
import { PersonalisationError, PersonalisationErrorCode } from '../personalisation-errors';
import { CardBindingService } from './card-binding.service';
import { ClaimCardCommand, type ClaimView } from './claim-card.command';
import { capabilityRefusal } from './card-capability-rules';
import { cardRefusal, requestRefusal } from './claim-rules';
import { StockCardsService } from '../../stock/stock-cards.service';
import { StockError } from '../../stock/stock-errors';
import { approved } from '../worker-principal';

/**
 * Binds a card to a request, or lets the worker resume on the card already bound to it; refuses
 * (audited) a claim outside the lease the API gave this worker (worker, workstation, card, expiry),
 * a request another worker personalises, claims over the per-minute limit, and what claim-rules
 * refuses, before anything is written to the card. Suspicious refusals add up to a suspension. Each claim starts a
 * new attempt and tells the worker where the card stands (its management key, the steps done).
 */
@CommandHandler(ClaimCardCommand)
export class ClaimCardHandler implements ICommandHandler<ClaimCardCommand, ClaimView> {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly states: RequestStateMachine,
    @Inject(REQUEST_REPOSITORY) private readonly requests: RequestRepository,
    @Inject(CARD_REPOSITORY) private readonly cards: CardRepository,
    @Inject(VSC_REPOSITORY) private readonly vscs: VscRepository,
    @Inject(WORKER_REPOSITORY) private readonly workers: WorkerRepository,
    @Inject(PERSONALISATION_REPOSITORY) private readonly log: PersonalisationRepository,
    private readonly attempts: AttemptsService,
    private readonly binding: CardBindingService,
    private readonly guard: ClaimGuardService,
    @Inject(WorkerChannel) private readonly channel: WorkerConnections,
    private readonly stockCards: StockCardsService,
  ) {}

  async execute(c: ClaimCardCommand): Promise<ClaimView> {
    let suspended = false;
    try {
      return await this.uow.run(c.actor, (tx) => this.claim(tx, c, () => (suspended = true)));
    } finally {
      // Only once the suspension committed: the channel's re-check would otherwise find the session still live.
      if (suspended) this.channel.disconnect(c.workerId, 'suspended: refused claims');
    }
  }

  private async claim(tx: Tx, c: ClaimCardCommand, onSuspended: () => void): Promise<ClaimView | Refusal> {
    const deny = async (e: PersonalisationError | StockError) => {
      if (await this.guard.refused(tx, c.workerId, c.requestId, e)) onSuspended();
      return tx.deny(e, {
        action: 'personalisation.claim',
        targetType: 'issuance-request',
        targetId: c.requestId,
        details: { workerId: c.workerId, workstation: c.workstation, serial: c.card.serial, reason: e.code },
      });
    };
    const enrolled = approved(await this.workers.get(c.workerId, tx));
    if (!enrolled) return deny(new PersonalisationError(PersonalisationErrorCode.NotClaimant, `worker ${c.workerId} is not approved`));
    const intent = { requestId: c.requestId, workerId: c.workerId, workstation: c.workstation, serial: c.card.serial };
    const unleased = await this.guard.problem(tx, intent);
    if (unleased) return deny(unleased);
    const request = await this.states.lock(tx, c.requestId);
    const closed = requestRefusal(request, c.requestId, { id: c.workerId, approved: true });
    if (closed) return deny(closed);
    const row = request!;
    // Moving a bound request to another worker is an officer's decision (reassign), never a worker's.
    if (row.cardId && row.workerId !== c.workerId) {
      return deny(
        new PersonalisationError(PersonalisationErrorCode.BoundToAnotherWorker, `request ${row.id} is personalised by another worker`, {
          requestId: row.id,
        }),
      );
    }
    // A card that cannot carry the profile (e.g. no key import for an escrowed key) is refused before
    // it is bound and before anything is written to it. Not a suspicious claim: no guard count.
    if (!row.cardId) {
      const lacking = capabilityRefusal(row, c.card);
      if (lacking)
        return tx.deny(lacking, {
          action: 'personalisation.claim',
          targetType: 'issuance-request',
          targetId: c.requestId,
          details: { workerId: c.workerId, workstation: c.workstation, serial: c.card.serial, atr: c.card.atr, reason: lacking.code },
        });
    }
    const card = await this.cards.lockBySerial(tx, c.card.serial);
    const guidVsc = c.card.guid ? await this.vscs.get(c.card.guid, tx) : undefined;
    const bound = row.cardId ? await this.cards.get(row.cardId, tx) : undefined;
    const refused = cardRefusal({
      request: row,
      serial: c.card.serial,
      card,
      ...(c.card.guid ? { guid: { id: c.card.guid, requestId: guidVsc?.requestId ?? null } } : {}),
      ...(row.cardId ? { boundSerial: bound?.serial ?? null } : {}),
    });
    if (refused) return deny(refused);
    // Trust the card: it is in registered stock, and to be bound it answered the HSM's challenge of
    // its transport key for this serial, request and worker (docs/stock.md).
    const resumed = !!row.cardId;
    const stock = await this.stockCards.find(tx, c.card.serial);
    if (stock instanceof StockError) return deny(stock);
    if (!resumed || row.workerId !== c.workerId) {
      const unproven = await this.stockCards.checkProof(tx, c.proof, {
        serial: c.card.serial,
        requestId: row.id,
        workerId: c.workerId,
        now: tx.now,
      });
      if (unproven) return deny(unproven);
    }

    const vsc = await this.vscs.ofRequest(row.id, tx);
    if (!vsc) throw new PersonalisationError(PersonalisationErrorCode.NotReady, `request ${row.id} has no VSC`);
    const onCard = resumed ? card! : await this.binding.bind(tx, row, vsc.id, c.card, c.workerId, stock.batch.name);
    let current: IssuanceRequest = { ...row, workerId: c.workerId };
    await this.guard.accepted(tx, intent);
    // Its claimant back with the card while the request still says `verifying` (the worker
    // restarted, or the API went away during the proofs, before the watchdog found the attempt
    // lost): the card waits again and this attempt takes it, its done steps skipped. Without this
    // the new attempt's first step is refused (not personalising) and the worker claims again.
    if (current.state === 'verifying') {
      const back = await this.states.transition(tx, current, 'awaiting-card', {
        details: { reason: 'its claimant resumed the card before the proofs', waitsFor: c.card.serial },
      });
      if (back instanceof IssuanceError) throw back;
      current = back;
    }
    if (current.state === 'awaiting-card') {
      const r = await this.states.transition(tx, current, 'personalising', {
        details: { cardId: onCard.id, serial: c.card.serial, workerId: c.workerId, resumed },
      });
      if (r instanceof IssuanceError) throw r;
      current = r;
    }
    const attempt = await this.attempts.start(tx, { requestId: row.id, cardId: onCard.id, workerId: c.workerId });
    const stepsDone = await this.log.doneSteps(row.id, onCard.id, tx);
    await this.attempts.recordStep(
      tx,
      {
        requestId: row.id,
        batchId: row.batchId,
        cardId: onCard.id,
        workerId: c.workerId,
        attempt: attempt.attempt,
        serial: c.card.serial,
      },
      'claim',
      'done',
      { resumed },
    );
    tx.audit({
      action: 'personalisation.claimed',
      targetType: 'issuance-request',
      targetId: row.id,
      outcome: 'success',
      details: { cardId: onCard.id, serial: c.card.serial, workerId: c.workerId, attempt: attempt.attempt, resumed },
    });
    return {
      requestId: row.id,
      cardId: onCard.id,
      serial: c.card.serial,
      attempt: attempt.attempt,
      resumed,
      state: current.state,
      managementKey: attempt.managementKey,
      transportBatch: stock.batch.name,
      transportAlgorithm: await this.stockCards.transportAlgorithm(tx, stock),
      stepsDone,
      vscId: vsc.id,
    } satisfies ClaimView;
  }
}
