import { testActor } from '../../../platform/testing/test-unit-of-work';
import { PersonalisationErrorCode } from '../../personalisation-errors';
import { claimedRequest, OTHER_WORKER, personalisationWorld, REQUEST, SERIAL, WORKER } from '../../testing/personalisation-world';
import { InterruptAttemptCommand } from './interrupt-attempt.command';
import { InterruptAttemptHandler } from './interrupt-attempt.handler';

function setup() {
  const w = personalisationWorld();
  const handler = new InterruptAttemptHandler(w.uow, w.attempts, w.outcomes);
  const run = (workerId = WORKER) =>
    handler.execute(new InterruptAttemptCommand(REQUEST, workerId, 'card removed', testActor(workerId, 'card-worker')));
  return { w, run };
}

describe('InterruptAttemptHandler', () => {
  it('the request waits for the same card again; the step it was on is logged as failed', async () => {
    const { w, run } = setup();
    const { card } = await claimedRequest(w, { attempt: { lastStep: 'import:9d' } });
    expect(await run()).toEqual({ state: 'awaiting-card', waitsFor: SERIAL });
    expect(w.repos.requests.rows.get(REQUEST)).toMatchObject({ state: 'awaiting-card', cardId: card.id });
    expect(w.repos.cards.rows.get(card.id)!.state).toBe('personalising');
    expect(w.repos.attempts.steps).toEqual([
      expect.objectContaining({ step: 'import:9d', outcome: 'failed', details: { reason: 'card removed', interrupted: true } }),
    ]);
    expect(w.uow.events).toEqual([
      expect.objectContaining({
        action: 'issuance-request.awaiting-card',
        details: expect.objectContaining({ reason: 'card removed', waitsFor: SERIAL }),
      }),
    ]);
  });

  it('logs the claim step when the last one is not a step name, and refuses another worker', async () => {
    const { w, run } = setup();
    await claimedRequest(w, { attempt: { lastStep: 'DROP TABLE' } });
    w.enrol(OTHER_WORKER);
    await expect(run(OTHER_WORKER)).rejects.toMatchObject({ code: PersonalisationErrorCode.NotClaimant });
    await run();
    expect(w.repos.attempts.steps.map((s) => s.step)).toEqual(['claim']);
    expect(w.uow.events[0]).toMatchObject({ action: 'personalisation.interrupted', outcome: 'denied' });
  });
});
