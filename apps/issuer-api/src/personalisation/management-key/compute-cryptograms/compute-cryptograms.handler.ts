import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { isManagementKeyAlgorithm, MANAGEMENT_KEY_ALGORITHMS } from '@scm/card-secrets';
import { StockCardsService } from '../../../stock/stock-cards.service';
import { StockError } from '../../../stock/stock-errors';
import { VSC_REPOSITORY, type VscRepository } from '../../../issuance/vsc-escrow/vsc.repository';
import { UnitOfWork } from '../../../platform/infra/unit-of-work';
import { claimantDenial } from '../../attempts/attempt-rules';
import { AttemptsService } from '../../attempts/attempts.service';
import { CardSecretsService } from '../../card-secrets.service';
import { PersonalisationError, PersonalisationErrorCode } from '../../personalisation-errors';
import { cardIdentity, managementKeyAlgorithm } from '../management-key-rules';
import { ComputeCryptogramsCommand, type CryptogramsView } from './compute-cryptograms.command';

/** The HSM computes the mutual-authentication cryptograms of the card's diversified key (the key stays inside). */
@CommandHandler(ComputeCryptogramsCommand)
export class ComputeCryptogramsHandler implements ICommandHandler<ComputeCryptogramsCommand, CryptogramsView> {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly attempts: AttemptsService,
    @Inject(VSC_REPOSITORY) private readonly vscs: VscRepository,
    private readonly secrets: CardSecretsService,
    private readonly stockCards: StockCardsService,
  ) {}

  execute(c: ComputeCryptogramsCommand): Promise<CryptogramsView> {
    return this.uow.run(c.actor, async (tx) => {
      const claimed = await this.attempts.claimed(tx, c.requestId, c.workerId);
      if (claimed instanceof PersonalisationError)
        return tx.deny(claimed, claimantDenial('card.management-key-authentication', c.requestId, c.workerId, claimed));
      if (c.key === 'transport') {
        // The bound card still holds its stock transport key: the HSM answers with that key.
        const stock = await this.stockCards.find(tx, claimed.card.serial ?? '');
        if (stock instanceof StockError)
          return tx.deny(stock, claimantDenial('card.management-key-authentication', c.requestId, c.workerId, stock));
        const talg = await this.stockCards.transportAlgorithm(tx, stock);
        const size = isManagementKeyAlgorithm(talg) ? MANAGEMENT_KEY_ALGORITHMS[talg].block : 0;
        if (!isManagementKeyAlgorithm(talg) || c.encryptedWitness.length !== size)
          return tx.refuse(new PersonalisationError(PersonalisationErrorCode.Invalid, `a ${talg} witness has ${size} bytes`));
        const r = await this.stockCards.cryptograms(stock, talg, c.encryptedWitness);
        return {
          witness: r.witness.toString('base64'),
          challenge: r.challenge.toString('base64'),
          expected: r.expected.toString('base64'),
        };
      }
      const alg = managementKeyAlgorithm(claimed.request);
      const block = MANAGEMENT_KEY_ALGORITHMS[alg].block;
      if (c.encryptedWitness.length !== block) {
        return tx.refuse(new PersonalisationError(PersonalisationErrorCode.Invalid, `a ${alg} witness has ${block} bytes`));
      }
      const identity = cardIdentity(claimed.request, claimed.card, await this.vscs.ofRequest(claimed.request.id, tx));
      const r = await this.secrets.cryptograms(identity, alg, c.encryptedWitness);
      return { witness: r.witness.toString('base64'), challenge: r.challenge.toString('base64'), expected: r.expected.toString('base64') };
    });
  }
}
