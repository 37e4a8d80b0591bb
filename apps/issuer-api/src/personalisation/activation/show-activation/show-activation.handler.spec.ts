import { PersonalisationErrorCode } from '../../personalisation-errors';
import { issuedCard, SESSION } from '../../testing/activation-world';
import { personalisationWorld, REQUEST, SERIAL } from '../../testing/personalisation-world';
import { ShowActivationHandler } from './show-activation.handler';
import { ShowActivationQuery } from './show-activation.query';

describe('ShowActivationHandler', () => {
  it('shows a session with its card, its request and the PIN rules of its profile', async () => {
    const w = personalisationWorld();
    const handler = new ShowActivationHandler(w.repos.sessions, w.activation);
    const { card } = await issuedCard(w);
    expect(await handler.execute(new ShowActivationQuery(SESSION))).toMatchObject({
      id: SESSION,
      cardId: card.id,
      serial: SERIAL,
      requestId: REQUEST,
      state: 'open',
      pin: { minLength: 6, maxLength: 8 },
    });
    await expect(handler.execute(new ShowActivationQuery('nope'))).rejects.toMatchObject({ code: PersonalisationErrorCode.NotFound });
  });
});
