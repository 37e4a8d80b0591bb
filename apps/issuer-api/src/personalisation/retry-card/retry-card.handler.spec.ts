import { IssuanceErrorCode } from '../../issuance/requests/issuance-errors';
import { testActor } from '../../platform/testing/test-unit-of-work';
import { claimedRequest, personalisationWorld, REQUEST, SERIAL } from '../testing/personalisation-world';
import { RetryCardCommand } from './retry-card.command';
import { RetryCardHandler } from './retry-card.handler';

function setup() {
  const w = personalisationWorld();
  const handler = new RetryCardHandler(w.uow, w.states, w.repos.cards, w.repos.attempts);
  const retry = () => handler.execute(new RetryCardCommand(REQUEST, 'reader cleaned', testActor()));
  return { w, retry };
}

describe('RetryCardHandler', () => {
  it('a failed-card request waits for the same card again with a fresh count of refusals; waits in the pool for its card; audited', async () => {
    const { w, retry } = setup();
    const { card } = await claimedRequest(w, { attempt: { attempt: 2, refusals: 2, refusedStep: 'objects', refusedSw: '6A80' } });
    w.repos.requests.rows.set(REQUEST, { ...w.repos.requests.rows.get(REQUEST)!, state: 'failed-card' });
    expect(await retry()).toEqual({
      id: REQUEST,
      state: 'awaiting-card',
      serial: SERIAL,
      refused: { step: 'objects', sw: '6A80', refusals: 2 },
      job: 'waiting',
    });
    expect(w.repos.requests.rows.get(REQUEST)).toMatchObject({ state: 'awaiting-card', cardId: card.id });
    expect(w.repos.attempts.rows.get(REQUEST)).toMatchObject({ refusals: 0, refusedStep: null, refusedSw: null });
    expect(w.repos.cards.rows.get(card.id)!.state).toBe('personalising');
    expect(w.uow.events.map((e) => [e.action, e.outcome])).toEqual([
      ['issuance-request.awaiting-card', 'success'],
      ['personalisation.retry', 'success'],
    ]);
    expect(w.uow.events[1].details).toMatchObject({ reason: 'reader cleaned', serial: SERIAL });
  });

  it('refuses a request that is not failed-card (audited), changing nothing', async () => {
    const { w, retry } = setup();
    await claimedRequest(w);
    await expect(retry()).rejects.toMatchObject({ code: IssuanceErrorCode.IllegalTransition });
    expect(w.repos.requests.rows.get(REQUEST)!.state).toBe('personalising');
    expect(w.uow.events.map((e) => [e.action, e.outcome])).toEqual([['personalisation.retry', 'denied']]);
  });
});
