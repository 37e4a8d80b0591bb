import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { isManagementKeyAlgorithm, MANAGEMENT_KEY_ALGORITHMS } from '@scm/card-secrets';
import type { CodedError } from '@scm/common';
import { REQUEST_REPOSITORY, type RequestRepository } from '../../issuance/requests/request.repository';
import { UnitOfWork } from '../../platform/infra/unit-of-work';
import { requestRefusal } from '../../personalisation/claim-card/claim-rules';
import { approved } from '../../personalisation/worker-principal';
import { WORKER_REPOSITORY, type WorkerRepository } from '../../trust/workers/worker.repository';
import { StockCardsService } from '../stock-cards.service';
import { StockError, StockErrorCode } from '../stock-errors';
import { type CardProofChallenge, ProveCardCommand } from './prove-card.command';

/**
 * Step 2 of the mutual authentication of a blank card's transport key, computed by the HSM with
 * the key of that serial's stock: a card not in stock (or development stock outside development
 * mode, or a destroyed card) is refused here, audited. What the card must answer is kept hashed
 * for the claim; the worker never sees the key nor the expected answer.
 */
@CommandHandler(ProveCardCommand)
export class ProveCardHandler implements ICommandHandler<ProveCardCommand, CardProofChallenge> {
  constructor(
    private readonly uow: UnitOfWork,
    @Inject(REQUEST_REPOSITORY) private readonly requests: RequestRepository,
    @Inject(WORKER_REPOSITORY) private readonly workers: WorkerRepository,
    private readonly stockCards: StockCardsService,
  ) {}

  execute(c: ProveCardCommand): Promise<CardProofChallenge> {
    return this.uow.run(c.actor, async (tx) => {
      const deny = (e: CodedError) =>
        tx.deny(e, {
          action: 'stock.card-proof',
          targetType: 'stock-card',
          targetId: c.serial,
          details: { requestId: c.requestId, workerId: c.workerId, reason: e.code },
        });
      const worker = approved(await this.workers.get(c.workerId, tx));
      const refused = requestRefusal(await this.requests.get(c.requestId, tx), c.requestId, { id: c.workerId, approved: !!worker });
      if (refused) return deny(refused);
      const found = await this.stockCards.find(tx, c.serial, { enrolDevelopment: true });
      if (found instanceof StockError) return deny(found);
      const alg = c.algorithm;
      if (!isManagementKeyAlgorithm(alg) || !this.stockCards.algorithms(found).includes(alg))
        return deny(
          new StockError(
            StockErrorCode.CardUnavailable,
            `card ${c.serial}: its stock batch ${found.batch.name} has no ${alg} transport key`,
            {
              serial: c.serial,
              algorithm: alg,
            },
          ),
        );
      if (c.encryptedWitness.length !== MANAGEMENT_KEY_ALGORITHMS[alg].block)
        return tx.refuse(new StockError(StockErrorCode.ProofFailed, `a ${alg} witness has ${MANAGEMENT_KEY_ALGORITHMS[alg].block} bytes`));
      const r = await this.stockCards.challenge(tx, found, {
        requestId: c.requestId,
        workerId: c.workerId,
        algorithm: alg,
        encryptedWitness: c.encryptedWitness,
      });
      return {
        proofId: r.proofId,
        witness: r.witness.toString('base64'),
        challenge: r.challenge.toString('base64'),
        expiresAt: r.expiresAt.toISOString(),
      };
    });
  }
}
