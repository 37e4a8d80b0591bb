import { testActor } from '../../../platform/testing/test-unit-of-work';
import { PersonalisationErrorCode } from '../../personalisation-errors';
import { claimedRequest, personalisationWorld, REQUEST, SERIAL, WORKER } from '../../testing/personalisation-world';
import { FailAttemptCommand } from './fail-attempt.command';
import { FailAttemptHandler } from './fail-attempt.handler';

function setup() {
  const w = personalisationWorld();
  const handler = new FailAttemptHandler(w.uow, w.attempts, w.outcomes);
  const run = () =>
    handler.execute(new FailAttemptCommand(REQUEST, WORKER, 'the card has no room for 9a', testActor(WORKER, 'card-worker')));
  return { w, run };
}

describe('FailAttemptHandler', () => {
  it("ends the request with the worker's reason: card spoiled, certificates revoked, card job done", async () => {
    const { w, run } = setup();
    const { card } = await claimedRequest(w);
    expect(await run()).toEqual({ state: 'failed' });
    expect(w.repos.requests.rows.get(REQUEST)).toMatchObject({
      state: 'failed',
      failure: 'personalisation failed: the card has no room for 9a',
    });
    expect(w.repos.cards.rows.get(card.id)!.state).toBe('spoiled');
    expect(w.statuses.applied.map((a) => [a.change, a.comment])).toEqual([
      [{ action: 'revoke', reason: 'cessationOfOperation' }, `request ${REQUEST} failed`],
      [{ action: 'revoke', reason: 'cessationOfOperation' }, `request ${REQUEST} failed`],
    ]);
    expect(w.uow.events.map((e) => e.action)).toEqual(['issuance-request.failed', 'card.spoiled']);
    expect(w.uow.events[0].details).toMatchObject({ cardId: card.id, serial: SERIAL, workerId: WORKER });
  });

  it('refuses a request that is not being personalised, changing nothing', async () => {
    const { w, run } = setup();
    await claimedRequest(w);
    w.repos.requests.rows.set(REQUEST, { ...w.repos.requests.rows.get(REQUEST)!, state: 'awaiting-card' });
    await expect(run()).rejects.toMatchObject({ code: PersonalisationErrorCode.NotClaimant });
    expect(w.statuses.applied).toEqual([]);
  });
});
