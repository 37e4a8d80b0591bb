import { Inject, Injectable } from '@nestjs/common';
import type { Card } from '../../issuance/cards/card.repository';
import { REQUEST_REPOSITORY, type IssuanceRequest, type RequestRepository } from '../../issuance/requests/request.repository';
import { VSC_REPOSITORY, type VscRepository } from '../../issuance/vsc-escrow/vsc.repository';
import type { Tx } from '../../platform/infra/unit-of-work';
import { PERSONALISATION_REPOSITORY, type PersonalisationRepository } from '../attempts/personalisation.repository';
import { RegenerateEscrowService } from './regenerate-escrow.service';

/**
 * A request lets go of its spoiled card, in the caller's transaction: the request, its attempt and
 * its VSC forget the card, and the request's escrowed keys are regenerated before another card
 * may take it.
 */
@Injectable()
export class CardReleaseService {
  constructor(
    @Inject(REQUEST_REPOSITORY) private readonly requests: RequestRepository,
    @Inject(PERSONALISATION_REPOSITORY) private readonly attempts: PersonalisationRepository,
    @Inject(VSC_REPOSITORY) private readonly vscs: VscRepository,
    private readonly regenerate: RegenerateEscrowService,
  ) {}

  /** Returns the new escrowed VSC version (whose keys the next card gets) and the certificates revoked. */
  async release(tx: Tx, request: IssuanceRequest, card: Card, serial: string): Promise<{ vscVersion: number; revoked: string[] }> {
    await this.requests.assign(tx, request.id, { cardId: null, workerId: null });
    await this.attempts.remove(tx, request.id);
    const vsc = await this.vscs.lockOfRequest(tx, request.id);
    if (!vsc) throw new Error(`request ${request.id} has no VSC`);
    await this.vscs.setBinding(tx, vsc.id, null);
    tx.audit({
      action: 'vsc.unbound',
      targetType: 'vsc',
      targetId: vsc.id,
      outcome: 'success',
      details: { requestId: request.id, serial },
    });
    const regenerated = await this.regenerate.regenerate(tx, request, vsc.id, `card ${serial} spoiled`);
    tx.audit({
      action: 'personalisation.card-released',
      targetType: 'issuance-request',
      targetId: request.id,
      outcome: 'success',
      details: { serial, cardId: card.id, vscVersion: regenerated.version, revoked: regenerated.revoked },
    });
    return { vscVersion: regenerated.version, revoked: regenerated.revoked };
  }
}
