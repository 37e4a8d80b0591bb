import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { Card } from '../../issuance/cards/card.repository';
import { CardLifecycleService } from '../../issuance/cards/card-lifecycle.service';
import { REQUEST_REPOSITORY, type IssuanceRequest, type RequestRepository } from '../../issuance/requests/request.repository';
import { VscEscrowService } from '../../issuance/vsc-escrow/vsc-escrow.service';
import { VSC_REPOSITORY, type VscRepository } from '../../issuance/vsc-escrow/vsc.repository';
import type { Tx } from '../../platform/infra/unit-of-work';
import { CARD_CREDENTIAL_REPOSITORY, type CardCredentialRepository } from '../card-credential.repository';
import { CardSecretsService } from '../card-secrets.service';
import { PersonalisationError, PersonalisationErrorCode } from '../personalisation-errors';
import type { CardInReader } from './claim-card.command';

/**
 * Binds a new card to a request, in the caller's transaction: the card is registered
 * (personalising), the request and its VSC record it, and the card's PUK is sealed under the HSM.
 */
@Injectable()
export class CardBindingService {
  constructor(
    private readonly lifecycle: CardLifecycleService,
    @Inject(REQUEST_REPOSITORY) private readonly requests: RequestRepository,
    @Inject(VSC_REPOSITORY) private readonly vscRows: VscRepository,
    private readonly vscs: VscEscrowService,
    private readonly secrets: CardSecretsService,
    @Inject(CARD_CREDENTIAL_REPOSITORY) private readonly credentials: CardCredentialRepository,
  ) {}

  async bind(tx: Tx, request: IssuanceRequest, vscId: string, card: CardInReader, workerId: string, stockBatch: string): Promise<Card> {
    const registered = await this.lifecycle.register(tx, {
      id: randomUUID(),
      serial: card.serial,
      atr: Buffer.from(card.atr, 'hex'),
      state: 'personalising',
      stockBatch,
      requestId: request.id,
      cardholderId: request.cardholderId,
      vscId,
    });
    await this.requests.assign(tx, request.id, { cardId: registered.id, workerId });
    await this.vscRows.setBinding(tx, vscId, { serial: card.serial, atr: card.atr.toLowerCase() });
    tx.audit({
      action: 'vsc.bound',
      targetType: 'vsc',
      targetId: vscId,
      outcome: 'success',
      details: { serial: card.serial, cardId: registered.id },
    });
    await this.sealPuk(tx, vscId, registered.id);
    return registered;
  }

  /** Invariant 1: the PUK (like every key) comes from an escrowed version only. */
  private async sealPuk(tx: Tx, vscId: string, cardId: string): Promise<void> {
    const vsc = await this.vscs.openForRecovery(vscId, { escrowedOnly: true, tx });
    let puk: Buffer | undefined;
    try {
      puk = vsc.cardCredentials().puk;
      if (!puk) throw new PersonalisationError(PersonalisationErrorCode.NotReady, `VSC ${vscId} holds no PUK for its card`);
      const sealed = await this.secrets.sealPuk(puk, cardId);
      await this.credentials.insert(tx, { cardId, pukSealed: sealed, pukKey: this.secrets.pukKeyLabel, createdAt: tx.now });
    } finally {
      puk?.fill(0);
      vsc.close();
    }
  }
}
