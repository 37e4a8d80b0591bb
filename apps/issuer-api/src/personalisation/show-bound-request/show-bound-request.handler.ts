import { Inject } from '@nestjs/common';
import { type IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { CARD_REPOSITORY, type CardRepository } from '../../issuance/cards/card.repository';
import { REQUEST_REPOSITORY, type RequestRepository } from '../../issuance/requests/request.repository';
import { CLAIMABLE_STATES } from '../claim-card/claim-rules';
import { PersonalisationError, PersonalisationErrorCode } from '../personalisation-errors';
import { type BoundRequest, ShowBoundRequestQuery } from './show-bound-request.query';

/** The request a card being personalised is bound to, while that request still takes it. */
@QueryHandler(ShowBoundRequestQuery)
export class ShowBoundRequestHandler implements IQueryHandler<ShowBoundRequestQuery, BoundRequest> {
  constructor(
    @Inject(CARD_REPOSITORY) private readonly cards: CardRepository,
    @Inject(REQUEST_REPOSITORY) private readonly requests: RequestRepository,
  ) {}

  async execute(q: ShowBoundRequestQuery): Promise<BoundRequest> {
    const card = await this.cards.bySerial(q.serial);
    const request = card?.state === 'personalising' && card.requestId ? await this.requests.get(card.requestId) : undefined;
    if (!card || !request || request.cardId !== card.id || !CLAIMABLE_STATES.includes(request.state)) {
      throw new PersonalisationError(PersonalisationErrorCode.NotFound, `no request waits for card ${q.serial}`, { serial: q.serial });
    }
    return { requestId: request.id, state: request.state };
  }
}
