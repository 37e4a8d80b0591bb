import { testActor } from '../../../platform/testing/test-unit-of-work';
import { PersonalisationErrorCode } from '../../personalisation-errors';
import { issuedCard, SESSION } from '../../testing/activation-world';
import { personalisationWorld, SERIAL, WORKER } from '../../testing/personalisation-world';
import { StartActivationCommand } from './start-activation.command';
import { StartActivationHandler } from './start-activation.handler';

function setup() {
  const w = personalisationWorld();
  const r = w.repos;
  const handler = new StartActivationHandler(w.uow, w.activation, r.sessions, r.cards, r.credentials, r.workers, w.channel, w.cfg);
  const start = (serial = SERIAL) => handler.execute(new StartActivationCommand(serial, 0, 'passport checked in person', testActor()));
  return { w, start };
}

describe('StartActivationHandler', () => {
  it("opens a session for the issued card at the workstation and tells that workstation's workers", async () => {
    const { w, start } = setup();
    const { card } = await issuedCard(w, null);
    w.enrol('00000000-0000-4000-8000-00000000b009', 1);
    const v = await start();
    expect(v).toMatchObject({
      purpose: 'activation',
      cardId: card.id,
      serial: SERIAL,
      workstation: 0,
      state: 'open',
      startedBy: testActor().actor,
      identityCheck: 'passport checked in person',
      expiresAt: new Date(w.clock.now().getTime() + 30 * 60_000).toISOString(),
      closedAt: null,
      pin: { minLength: 6, maxLength: 8 },
    });
    expect(w.repos.sessions.rows.get(v.id)).toMatchObject({ state: 'open', cardId: card.id });
    expect(w.channel.sent).toEqual([{ workerId: WORKER, message: { type: 'activation', sessionId: v.id, serial: SERIAL } }]);
    expect(w.uow.events).toEqual([
      expect.objectContaining({
        action: 'card.activation-started',
        targetId: card.id,
        outcome: 'success',
        details: expect.objectContaining({ sessionId: v.id }),
      }),
    ]);
  });

  it('closes sessions whose time is up, then refuses a second open session and a card that is not issued', async () => {
    const { w, start } = setup();
    const { card } = await issuedCard(w, { expiresAt: w.clock.now() });
    const v = await start();
    expect(w.repos.sessions.rows.get(SESSION)?.state).toBe('expired');
    await expect(start()).rejects.toMatchObject({ code: PersonalisationErrorCode.ActivationOpen });
    w.repos.cards.rows.set(card.id, { ...card, state: 'active' });
    await expect(start()).rejects.toMatchObject({ code: PersonalisationErrorCode.WrongCardState });
    await expect(start('404')).rejects.toMatchObject({ code: PersonalisationErrorCode.NotFound });
    expect(w.uow.events.map((e) => `${e.action}:${e.outcome}:${String(e.details?.reason ?? '')}`)).toEqual([
      'card.activation-expired:failure:',
      `card.activation-started:success:`,
      `card.activation-started:denied:${PersonalisationErrorCode.ActivationOpen}`,
      `card.activation-started:denied:${PersonalisationErrorCode.WrongCardState}`,
      `card.activation-started:denied:${PersonalisationErrorCode.NotFound}`,
    ]);
    expect(w.uow.events.at(-1)?.targetId).toBe('404');
    expect(w.channel.sent.map((s) => s.message.sessionId)).toEqual([v.id]);
  });

  it('separation of duties: the officer who requested the card does not open its activation; another officer does', async () => {
    const { w, start } = setup();
    const { card, request } = await issuedCard(w, null);
    w.repos.requests.rows.set(request.id, { ...w.repos.requests.rows.get(request.id)!, createdBy: testActor().actor });
    await expect(start()).rejects.toMatchObject({ code: PersonalisationErrorCode.ActivatorIsRequester });
    expect(w.uow.events.at(-1)).toMatchObject({
      action: 'card.activation-started',
      targetId: card.id,
      outcome: 'denied',
      details: expect.objectContaining({ refusal: PersonalisationErrorCode.ActivatorIsRequester }),
    });
    w.repos.requests.rows.set(request.id, { ...w.repos.requests.rows.get(request.id)!, createdBy: 'user:someone-else' });
    await expect(start()).resolves.toMatchObject({ state: 'open' });
  });
});
