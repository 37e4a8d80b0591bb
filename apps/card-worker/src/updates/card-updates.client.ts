import { Injectable } from '@nestjs/common';
import type { CardUpdateCertificate, CardUpdateOffer, CardUpdateProofs, CryptogramsView } from '@scm/personalisation';
import { WorkerApiClient } from '../personalisation/worker-api.client';

/** The worker's calls to the API's card-update routes. */
@Injectable()
export class CardUpdatesClient {
  constructor(private readonly api: WorkerApiClient) {}

  get workerId(): string {
    return this.api.workerId;
  }

  offer(card: { serial: string; guid?: string }): Promise<CardUpdateOffer> {
    return this.api.call('POST', '/api/v1/worker/card-updates/offers', card);
  }

  cryptograms(updateId: string, encryptedWitness: Uint8Array): Promise<CryptogramsView> {
    return this.api.call('POST', `/api/v1/worker/card-updates/${updateId}/cryptograms`, {
      encryptedWitness: Buffer.from(encryptedWitness).toString('base64'),
    });
  }

  certify(updateId: string, slot: string, spki: Uint8Array): Promise<CardUpdateCertificate> {
    return this.api.call('POST', `/api/v1/worker/card-updates/${updateId}/slots/${slot}/certificate`, {
      publicKey: Buffer.from(spki).toString('base64'),
    });
  }

  async complete(updateId: string, proofs: CardUpdateProofs): Promise<void> {
    await this.api.call('POST', `/api/v1/worker/card-updates/${updateId}/proofs`, proofs);
  }

  async stop(updateId: string, outcome: 'interrupted' | 'refused', reason: string): Promise<void> {
    await this.api.call('POST', `/api/v1/worker/card-updates/${updateId}/stop`, { outcome, reason: reason.slice(0, 300) });
  }
}
