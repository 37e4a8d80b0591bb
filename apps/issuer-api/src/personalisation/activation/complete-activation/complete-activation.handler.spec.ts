import { testActor } from '../../../platform/testing/test-unit-of-work';
import { PersonalisationErrorCode } from '../../personalisation-errors';
import { issuedCard, SESSION } from '../../testing/activation-world';
import { personalisationWorld, WORKER } from '../../testing/personalisation-world';
import { CompleteActivationCommand } from './complete-activation.command';
import { CompleteActivationHandler } from './complete-activation.handler';

function setup() {
  const w = personalisationWorld();
  const handler = new CompleteActivationHandler(w.uow, w.activation, w.lifecycle, w.repos.sessions);
  const complete = (outcome: { ok: boolean; reason?: string }) =>
    handler.execute(new CompleteActivationCommand(SESSION, { id: WORKER, workstation: 0 }, outcome, testActor(WORKER, 'card-worker')));
  return { w, complete };
}

describe('CompleteActivationHandler', () => {
  it('the PIN is set: the card becomes active and the session completed', async () => {
    const { w, complete } = setup();
    const { card } = await issuedCard(w, { workerId: WORKER });
    expect(await complete({ ok: true })).toMatchObject({ state: 'completed', closedAt: w.clock.now().toISOString(), failure: null });
    expect(w.repos.cards.rows.get(card.id)!.state).toBe('active');
    expect(w.uow.events.map((e) => `${e.action}:${e.outcome}`)).toEqual(['card.active:success', 'card.activated:success']);
    expect(w.uow.events[0].details).toMatchObject({ sessionId: SESSION, workstation: 0, identityCheck: 'passport checked in person' });
  });

  it('the PIN could not be set: the session failed with the reason, the card stays issued', async () => {
    const { w, complete } = setup();
    const { card } = await issuedCard(w, { workerId: WORKER });
    expect(await complete({ ok: false, reason: 'cardholder walked away' })).toMatchObject({
      state: 'failed',
      failure: 'cardholder walked away',
    });
    expect(w.repos.cards.rows.get(card.id)!.state).toBe('issued');
    expect(w.uow.events).toEqual([
      expect.objectContaining({
        action: 'card.activated',
        outcome: 'failure',
        details: { sessionId: SESSION, workerId: WORKER, reason: 'cardholder walked away' },
      }),
    ]);
  });

  it('an unblock session leaves the active card as it is and audits the outcome', async () => {
    const { w, complete } = setup();
    const { card } = await issuedCard(w, { workerId: WORKER, purpose: 'unblock' });
    w.repos.cards.rows.set(card.id, { ...card, state: 'active' });
    expect(await complete({ ok: true })).toMatchObject({ purpose: 'unblock', state: 'completed' });
    expect(w.repos.cards.rows.get(card.id)!.state).toBe('active');
    expect(w.uow.events).toEqual([
      expect.objectContaining({
        action: 'card.pin-unblocked',
        outcome: 'success',
        details: { sessionId: SESSION, workerId: WORKER, identityCheck: 'passport checked in person' },
      }),
    ]);
  });

  it('refuses a report before the worker fetched the PUK', async () => {
    const { w, complete } = setup();
    await issuedCard(w);
    await expect(complete({ ok: true })).rejects.toMatchObject({ code: PersonalisationErrorCode.NotReady });
    expect(w.repos.sessions.rows.get(SESSION)?.state).toBe('open');
  });
});
