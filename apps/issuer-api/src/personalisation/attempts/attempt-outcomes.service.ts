import { Inject, Injectable } from '@nestjs/common';
import { CardError } from '../../issuance/cards/card-errors';
import { CARD_REPOSITORY, type CardRepository } from '../../issuance/cards/card.repository';
import { CardLifecycleService } from '../../issuance/cards/card-lifecycle.service';
import { IssuanceError } from '../../issuance/requests/issuance-errors';
import { RequestStateMachine, type IssuanceRequest } from '../../issuance/requests/request-state-machine';
import type { Tx } from '../../platform/infra/unit-of-work';
import { CardCertificatesService } from '../card-certificates.service';

const throwIf = <T>(r: T | IssuanceError | CardError): T => {
  if (r instanceof IssuanceError || r instanceof CardError) throw r;
  return r;
};

/**
 * How an attempt ends short of an issued card, inside the caller's transaction: interrupted (the
 * request waits for the same card again) or failed (the request ends, its card and certificates
 * with it). State changes go through the request state machine and the card lifecycle.
 */
@Injectable()
export class AttemptOutcomesService {
  constructor(
    private readonly states: RequestStateMachine,
    private readonly lifecycle: CardLifecycleService,
    @Inject(CARD_REPOSITORY) private readonly cards: CardRepository,
    private readonly certificates: CardCertificatesService,
  ) {}

  /**
   * Ends a request that cannot be finished: failed with a reason that is safe to show; its card (if
   * one was claimed and not issued) spoiled; the certificates issued for it revoked; its job done.
   */
  async fail(tx: Tx, request: IssuanceRequest, reason: string, details: Record<string, unknown> = {}): Promise<IssuanceRequest> {
    const failed = throwIf(await this.states.transition(tx, request, 'failed', { failure: reason.slice(0, 500), details }));
    if (request.cardId) {
      const card = await this.cards.get(request.cardId, tx);
      if (card && (card.state === 'personalising' || card.state === 'blank')) {
        throwIf(await this.lifecycle.transition(tx, card.id, 'spoiled', { requestId: request.id, reason: 'personalisation failed' }));
      }
    }
    await this.certificates.revoke(tx, request.id, 'cessationOfOperation', `request ${request.id} failed`);
    return failed;
  }

  /**
   * A card that keeps refusing a step: the request waits in failed-card for an officer (spoil the
   * card, or retry it). Nothing is spoiled or revoked yet, and the request is out of the pool of
   * card jobs (failed-card is not awaiting-card), so nothing tries the card again until the officer decides.
   */
  async failCard(tx: Tx, request: IssuanceRequest, reason: string, details: Record<string, unknown> = {}): Promise<IssuanceRequest> {
    const parked = throwIf(await this.states.transition(tx, request, 'failed-card', { failure: reason.slice(0, 500), details }));
    return parked;
  }

  /** A card pulled out (or a worker lost) mid-way: the request waits for that card again. */
  async interrupt(tx: Tx, request: IssuanceRequest, reason: string, serial: string | null): Promise<IssuanceRequest> {
    return throwIf(
      await this.states.transition(tx, request, 'awaiting-card', { details: { reason: reason.slice(0, 200), waitsFor: serial } }),
    );
  }
}
