import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { MANAGEMENT_KEY_ALGORITHMS } from '@scm/card-secrets';
import type { CardProofChallenge } from '@scm/personalisation';
import { CARD_REPOSITORY, type CardRepository } from '../../issuance/cards/card.repository';
import { REQUEST_REPOSITORY, type RequestRepository } from '../../issuance/requests/request.repository';
import { VSC_REPOSITORY, type VscRepository } from '../../issuance/vsc-escrow/vsc.repository';
import { UnitOfWork } from '../../platform/infra/unit-of-work';
import { StockCardsService } from '../../stock/stock-cards.service';
import { WORKER_REPOSITORY, type WorkerRepository } from '../../trust/workers/worker.repository';
import { CardSecretsService } from '../card-secrets.service';
import { requestRefusal } from '../claim-card/claim-rules';
import { cardIdentity, managementKeyAlgorithm } from '../management-key/management-key-rules';
import { PersonalisationError, PersonalisationErrorCode } from '../personalisation-errors';
import { approved } from '../worker-principal';
import { ProveBoundCardCommand } from './prove-bound-card.command';

/**
 * The HSM's challenge of the diversified management key of the card a request is bound to: the
 * card's answer goes with the claim, so only a worker holding that card takes the request over.
 * Refusals are audited `personalisation.card-proof` `denied`.
 */
@CommandHandler(ProveBoundCardCommand)
export class ProveBoundCardHandler implements ICommandHandler<ProveBoundCardCommand, CardProofChallenge> {
  constructor(
    private readonly uow: UnitOfWork,
    @Inject(REQUEST_REPOSITORY) private readonly requests: RequestRepository,
    @Inject(CARD_REPOSITORY) private readonly cards: CardRepository,
    @Inject(VSC_REPOSITORY) private readonly vscs: VscRepository,
    @Inject(WORKER_REPOSITORY) private readonly workers: WorkerRepository,
    private readonly secrets: CardSecretsService,
    private readonly stockCards: StockCardsService,
  ) {}

  execute(c: ProveBoundCardCommand): Promise<CardProofChallenge> {
    return this.uow.run(c.actor, async (tx) => {
      const deny = (e: PersonalisationError) =>
        tx.deny(e, {
          action: 'personalisation.card-proof',
          targetType: 'issuance-request',
          targetId: c.requestId,
          details: { workerId: c.workerId, serial: c.serial, reason: e.code },
        });
      const worker = approved(await this.workers.get(c.workerId, tx));
      const request = await this.requests.get(c.requestId, tx);
      const refused = requestRefusal(request, c.requestId, { id: c.workerId, approved: !!worker });
      if (refused) return deny(refused);
      const card = request!.cardId ? await this.cards.get(request!.cardId, tx) : undefined;
      if (!card || card.serial !== c.serial)
        return deny(
          new PersonalisationError(
            PersonalisationErrorCode.WaitsForAnotherCard,
            `request ${c.requestId} is not bound to card ${c.serial}`,
            {
              serial: card?.serial ?? null,
            },
          ),
        );
      const alg = managementKeyAlgorithm(request!);
      if (c.algorithm !== alg || c.encryptedWitness.length !== MANAGEMENT_KEY_ALGORITHMS[alg].block)
        return tx.refuse(new PersonalisationError(PersonalisationErrorCode.Invalid, `the card's diversified key is ${alg}`));
      const identity = cardIdentity(request!, card, await this.vscs.ofRequest(request!.id, tx));
      const r = await this.secrets.cryptograms(identity, alg, c.encryptedWitness);
      const { proofId, expiresAt } = await this.stockCards.recordProof(tx, {
        serial: c.serial,
        requestId: c.requestId,
        workerId: c.workerId,
        algorithm: alg,
        expected: r.expected,
      });
      return {
        proofId,
        witness: r.witness.toString('base64'),
        challenge: r.challenge.toString('base64'),
        expiresAt: expiresAt.toISOString(),
      };
    });
  }
}
