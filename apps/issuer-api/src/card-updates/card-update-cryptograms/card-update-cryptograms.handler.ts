import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { isManagementKeyAlgorithm, MANAGEMENT_KEY_ALGORITHMS } from '@scm/card-secrets';
import type { CryptogramsView } from '@scm/personalisation';
import { CARD_REPOSITORY, type CardRepository } from '../../issuance/cards/card.repository';
import { REQUEST_REPOSITORY, type RequestRepository } from '../../issuance/requests/request.repository';
import { CardSecretsService } from '../../personalisation/card-secrets.service';
import { UnitOfWork } from '../../platform/infra/unit-of-work';
import { CARD_UPDATE_REPOSITORY, type CardUpdateRepository } from '../card-update.repository';
import { CardUpdateError, CardUpdateErrorCode } from '../card-update-errors';
import { runnerDenial, runningOn } from '../running-update';
import { CardUpdateCryptogramsCommand } from './card-update-cryptograms.command';

/** The HSM decrypts the card's witness and computes the expected answer under the card's diversified key (which never leaves it). */
@CommandHandler(CardUpdateCryptogramsCommand)
export class CardUpdateCryptogramsHandler implements ICommandHandler<CardUpdateCryptogramsCommand, CryptogramsView> {
  constructor(
    private readonly uow: UnitOfWork,
    @Inject(CARD_UPDATE_REPOSITORY) private readonly updates: CardUpdateRepository,
    @Inject(CARD_REPOSITORY) private readonly cards: CardRepository,
    @Inject(REQUEST_REPOSITORY) private readonly requests: RequestRepository,
    private readonly secrets: CardSecretsService,
  ) {}

  execute(c: CardUpdateCryptogramsCommand): Promise<CryptogramsView> {
    return this.uow.run(c.actor, async (tx) => {
      const r = await runningOn(tx, { updates: this.updates, cards: this.cards }, c.updateId, c.workerId);
      if (r instanceof CardUpdateError) return tx.deny(r, runnerDenial('card.management-key-authentication', c.updateId, c.workerId));
      const request = await this.requests.get(r.card.requestId!, tx);
      const alg = request?.profile.managementKey.algorithm;
      if (!alg || !isManagementKeyAlgorithm(alg)) throw new Error(`card ${r.card.id} has no known management-key algorithm`);
      const block = MANAGEMENT_KEY_ALGORITHMS[alg].block;
      if (c.encryptedWitness.length !== block)
        return tx.refuse(new CardUpdateError(CardUpdateErrorCode.Invalid, `a ${alg} witness has ${block} bytes`));
      const x = await this.secrets.cryptograms({ serial: r.card.serial!, guid: r.card.vscId! }, alg, c.encryptedWitness);
      return { witness: x.witness.toString('base64'), challenge: x.challenge.toString('base64'), expected: x.expected.toString('base64') };
    });
  }
}
