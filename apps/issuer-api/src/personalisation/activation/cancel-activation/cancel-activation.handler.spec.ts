import { testActor } from '../../../platform/testing/test-unit-of-work';
import { PersonalisationErrorCode } from '../../personalisation-errors';
import { issuedCard, SESSION } from '../../testing/activation-world';
import { personalisationWorld } from '../../testing/personalisation-world';
import { CancelActivationCommand } from './cancel-activation.command';
import { CancelActivationHandler } from './cancel-activation.handler';

describe('CancelActivationHandler', () => {
  it('cancels an open session once, audited', async () => {
    const w = personalisationWorld();
    const handler = new CancelActivationHandler(w.uow, w.activation, w.repos.sessions);
    const { card } = await issuedCard(w);
    const v = await handler.execute(new CancelActivationCommand(SESSION, testActor()));
    expect(v).toMatchObject({ state: 'cancelled', closedAt: w.clock.now().toISOString() });
    expect(w.repos.sessions.rows.get(SESSION)?.state).toBe('cancelled');
    await expect(handler.execute(new CancelActivationCommand(SESSION, testActor()))).rejects.toMatchObject({
      code: PersonalisationErrorCode.NoActivationSession,
    });
    await expect(handler.execute(new CancelActivationCommand('nope', testActor()))).rejects.toMatchObject({
      code: PersonalisationErrorCode.NotFound,
    });
    expect(w.uow.events).toEqual([
      expect.objectContaining({
        action: 'card.activation-cancelled',
        targetId: card.id,
        outcome: 'success',
        details: { sessionId: SESSION },
      }),
    ]);
  });
});
