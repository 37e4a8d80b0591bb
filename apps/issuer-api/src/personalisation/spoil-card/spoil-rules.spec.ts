import type { Card } from '../../issuance/cards/card.repository';
import type { IssuanceRequest } from '../../issuance/requests/request.repository';
import type { Attempt } from '../attempts/personalisation.repository';
import { PersonalisationErrorCode as E } from '../personalisation-errors';
import { attemptIdle, spoilRefusal, writtenTo } from './spoil-rules';

const card = (state: Card['state']) => ({ id: 'k1', serial: '42', state }) as Card;

describe('spoil rules', () => {
  it('only a card not yet issued can be spoiled', () => {
    expect(spoilRefusal('42', card('blank'))).toBeUndefined();
    expect(spoilRefusal('42', card('personalising'))).toBeUndefined();
    expect(spoilRefusal('42', card('issued'))).toMatchObject({ code: E.WrongCardState, meta: { state: 'issued' } });
    expect(spoilRefusal('42', undefined)?.code).toBe(E.NotFound);
  });

  it('a card is being written to while its request is personalised or verified on it', () => {
    const r = (state: IssuanceRequest['state'], cardId = 'k1') => ({ id: 'r1', state, cardId }) as IssuanceRequest;
    expect(writtenTo(r('personalising'), card('personalising'))).toBe(true);
    expect(writtenTo(r('verifying'), card('personalising'))).toBe(true);
    expect(writtenTo(r('awaiting-card'), card('personalising'))).toBe(false);
    expect(writtenTo(r('personalising', 'k2'), card('personalising'))).toBe(false);
    expect(writtenTo(undefined, card('personalising'))).toBe(false);
  });

  it('an attempt is idle after the stall period without a change', () => {
    const now = new Date('2026-12-01T09:00:00Z');
    const attempt = (secondsAgo: number) => ({ updatedAt: new Date(now.getTime() - secondsAgo * 1000) }) as Attempt;
    expect(attemptIdle(attempt(61), now, 60)).toBe(true);
    expect(attemptIdle(attempt(60), now, 60)).toBe(false);
    expect(attemptIdle(undefined, now, 60)).toBe(true);
  });
});
