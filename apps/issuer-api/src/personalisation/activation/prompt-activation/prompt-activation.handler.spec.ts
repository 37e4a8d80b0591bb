import { testActor } from '../../../platform/testing/test-unit-of-work';
import { PersonalisationErrorCode } from '../../personalisation-errors';
import { issuedCard, SESSION } from '../../testing/activation-world';
import { personalisationWorld, SERIAL, WORKER } from '../../testing/personalisation-world';
import { PromptActivationCommand } from './prompt-activation.command';
import { PromptActivationHandler } from './prompt-activation.handler';

function setup() {
  const w = personalisationWorld();
  const handler = new PromptActivationHandler(w.uow, w.activation, w.repos.sessions, w.repos.cards);
  const prompt = (workstation = 0, serial = SERIAL) =>
    handler.execute(new PromptActivationCommand(serial, { id: WORKER, workstation }, testActor(WORKER, 'card-worker')));
  return { w, prompt };
}

describe('PromptActivationHandler', () => {
  it("answers the open session of the card at the worker's workstation", async () => {
    const { w, prompt } = setup();
    await issuedCard(w);
    expect(await prompt()).toMatchObject({ id: SESSION, serial: SERIAL, workstation: 0 });
    expect(w.uow.events).toEqual([]);
  });

  it('refuses (audited) a worker of another workstation, and a session whose time is up', async () => {
    const { w, prompt } = setup();
    const { card } = await issuedCard(w);
    await expect(prompt(1)).rejects.toMatchObject({ code: PersonalisationErrorCode.NoActivationSession });
    w.clock.advance(31 * 60_000);
    await expect(prompt()).rejects.toMatchObject({ code: PersonalisationErrorCode.NoActivationSession });
    expect(w.uow.events.map((e) => [e.action, e.outcome, e.targetId])).toEqual([
      ['card.activation-prompt', 'denied', SERIAL],
      ['card.activation-expired', 'failure', card.id],
      ['card.activation-prompt', 'denied', SERIAL],
    ]);
    expect(w.uow.events[0].details).toEqual({ serial: SERIAL, workerId: WORKER, refusal: PersonalisationErrorCode.NoActivationSession });
  });
});
