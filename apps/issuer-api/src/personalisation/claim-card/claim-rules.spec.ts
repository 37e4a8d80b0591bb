import type { Card } from '../../issuance/cards/card.repository';
import type { IssuanceRequest } from '../../issuance/requests/request.repository';
import { PersonalisationErrorCode as E } from '../personalisation-errors';
import { cardRefusal, requestRefusal } from './claim-rules';

const request = (r: Partial<IssuanceRequest> = {}) => ({ id: 'r1', state: 'awaiting-card', cardId: null, ...r }) as IssuanceRequest;
const card = (c: Partial<Card> = {}) => ({ id: 'k1', serial: '42', state: 'personalising', requestId: 'r1', ...c }) as Card;

describe('claim rules', () => {
  it('a request takes a card once its escrow is committed and until it ends, for an approved worker only', () => {
    const approved = { id: 'w1', approved: true };
    expect(requestRefusal(request(), 'r1', approved)).toBeUndefined();
    expect(requestRefusal(request({ state: 'verifying' }), 'r1', approved)).toBeUndefined();
    expect(requestRefusal(request(), 'r1', { id: 'w1', approved: false })?.code).toBe(E.NotClaimant);
    expect(requestRefusal(undefined, 'r1', approved)?.code).toBe(E.NotFound);
    expect(requestRefusal(request({ state: 'cancelled' }), 'r1', approved)?.code).toBe(E.RequestClosed);
    expect(requestRefusal(request({ state: 'escrowed' }), 'r1', approved)?.code).toBe(E.NotReady);
    // A request whose card kept refusing waits for an officer: no worker takes it meanwhile.
    expect(requestRefusal(request({ state: 'failed-card' }), 'r1', approved)).toMatchObject({
      code: E.RequestClosed,
      message: expect.stringMatching(/spoils the card or retries it/),
    });
  });

  it('takes a blank card, or the bound card again', () => {
    expect(cardRefusal({ request: request(), serial: '42', card: undefined })).toBeUndefined();
    expect(cardRefusal({ request: request({ cardId: 'k1' }), serial: '42', card: card(), boundSerial: '42' })).toBeUndefined();
    expect(
      cardRefusal({
        request: request({ cardId: 'k1' }),
        serial: '42',
        card: card(),
        guid: { id: 'g', requestId: 'r1' },
        boundSerial: '42',
      }),
    ).toBeUndefined();
  });

  it('never overwrites a card of another request, a spoiled card or another identity; one request, one card', () => {
    expect(cardRefusal({ request: request(), serial: '42', card: card({ requestId: 'r2', state: 'issued' }) })).toMatchObject({
      code: E.CardTaken,
      meta: { cardState: 'issued' },
    });
    expect(cardRefusal({ request: request(), serial: '42', card: card({ state: 'spoiled' }) })?.code).toBe(E.CardSpoiled);
    expect(cardRefusal({ request: request(), serial: '42', card: undefined, guid: { id: 'g', requestId: null } })?.code).toBe(
      E.CardNotBlank,
    );
    expect(cardRefusal({ request: request({ cardId: 'k1' }), serial: '43', card: undefined, boundSerial: '42' })).toMatchObject({
      code: E.WaitsForAnotherCard,
      meta: { serial: '42' },
    });
    expect(cardRefusal({ request: request(), serial: '42', card: card() })?.code).toBe(E.CardTaken);
  });
});
