import { claimedRequest, personalisationWorld, REQUEST, SERIAL } from '../../testing/personalisation-world';
import { SweepStalledAttemptsCommand } from './sweep-stalled-attempts.command';
import { SweepStalledAttemptsHandler } from './sweep-stalled-attempts.handler';

function setup() {
  const w = personalisationWorld();
  const handler = new SweepStalledAttemptsHandler(w.uow, w.states, w.outcomes, w.repos.attempts, w.repos.cards, w.cfg, w.clock);
  return { w, sweep: () => handler.execute(new SweepStalledAttemptsCommand()) };
}

describe('SweepStalledAttemptsHandler', () => {
  it('moves an attempt silent for the stall period back to waiting for its card (the binding stays), once', async () => {
    const { w, sweep } = setup();
    const { card } = await claimedRequest(w);
    w.clock.advance(59_000);
    expect(await sweep()).toBe(0);
    w.clock.advance(2_000);
    expect(await sweep()).toBe(1);
    expect(w.repos.requests.rows.get(REQUEST)).toMatchObject({ state: 'awaiting-card', cardId: card.id });
    expect(w.uow.events).toEqual([
      expect.objectContaining({
        action: 'issuance-request.awaiting-card',
        actor: 'system:personalisation-watchdog',
        details: expect.objectContaining({ reason: 'no report from the worker: worker lost', waitsFor: SERIAL }),
      }),
    ]);
    expect(await sweep()).toBe(0);
  });

  it('leaves an attempt that reported since the sweep began', async () => {
    const { w, sweep } = setup();
    await claimedRequest(w);
    w.clock.advance(61_000);
    const stalled = w.repos.attempts.stalled.bind(w.repos.attempts);
    w.repos.attempts.stalled = async (before, limit) => {
      const found = await stalled(before, limit);
      await w.repos.attempts.update(undefined as never, REQUEST, { updatedAt: w.clock.now() });
      return found;
    };
    expect(await sweep()).toBe(0);
    expect(w.repos.requests.rows.get(REQUEST)!.state).toBe('personalising');
  });
});
