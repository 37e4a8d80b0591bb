import { testActor } from '../../../platform/testing/test-unit-of-work';
import { HelpdeskWorld } from '../../testing/help-desk-world';
import { PinUnblockErrorCode as E } from '../pin-unblock-errors';
import { StartPinUnblockCommand } from './start-pin-unblock.command';
import { StartPinUnblockHandler } from './start-pin-unblock.handler';

async function setup(state = 'active') {
  const w = new HelpdeskWorld();
  const { cardId } = await w.card(state, { escrow: false, serial: '00001079' });
  w.sessions.puks.add(cardId);
  const handler = new StartPinUnblockHandler(w.uow, w.cards, w.sessions, w.cfg);
  const start = (card = '00001079') => handler.execute(new StartPinUnblockCommand(card, 2, 'badge and face', testActor()));
  return { w, cardId, start };
}

describe('StartPinUnblockHandler', () => {
  it('opens an unblock session for an active card at the workstation, for the configured time, audited', async () => {
    const { w, cardId, start } = await setup();
    const view = await start();
    const expiresAt = new Date(w.now.getTime() + 15 * 60_000);
    expect(view).toEqual({
      id: view.id,
      purpose: 'unblock',
      cardId,
      serial: '00001079',
      workstation: 2,
      state: 'open',
      identityCheck: 'badge and face',
      startedBy: testActor().actor,
      expiresAt: expiresAt.toISOString(),
    });
    expect(w.sessions.sessions.get(view.id)).toMatchObject({ cardId, purpose: 'unblock', state: 'open', workstation: 2, expiresAt });
    expect(w.uow.events).toEqual([
      expect.objectContaining({
        action: 'card.pin-unblock-started',
        targetId: cardId,
        outcome: 'success',
        details: { sessionId: view.id, serial: '00001079', workstation: 2, identityCheck: 'badge and face' },
      }),
    ]);
    // The card is named by its id as well.
    w.sessions.sessions.clear();
    await expect(start(cardId)).resolves.toMatchObject({ cardId });
  });

  it('expires a session left open past its time before opening the new one; an open one blocks it', async () => {
    const { w, cardId, start } = await setup();
    w.sessions.seedSession({ id: 's-old', cardId, expiresAt: new Date('2026-12-01T08:59:00Z') });
    const view = await start();
    expect(w.sessions.sessions.get('s-old')).toMatchObject({ state: 'expired', closedAt: w.now });
    expect(w.uow.events.map((e) => [e.action, e.outcome, e.details?.sessionId])).toEqual([
      ['card.activation-expired', 'failure', 's-old'],
      ['card.pin-unblock-started', 'success', view.id],
    ]);
    await expect(start()).rejects.toMatchObject({ code: E.SessionOpen, meta: { sessionId: view.id } });
  });

  it('refuses an unknown card, a card not active, and a card whose PUK is not kept (audited)', async () => {
    const { w, cardId, start } = await setup();
    await expect(start('NOSUCHCARD')).rejects.toMatchObject({ code: E.NotFound });
    w.sessions.puks.delete(cardId);
    await expect(start()).rejects.toMatchObject({ code: E.NotFound, message: 'card 00001079 has no PUK under the HSM' });
    const issued = await setup('issued');
    await expect(issued.start()).rejects.toMatchObject({ code: E.WrongCardState, meta: { cardState: 'issued' } });
    expect(w.uow.events.map((e) => [e.targetId, e.outcome, e.details])).toEqual([
      ['NOSUCHCARD', 'denied', { serial: 'NOSUCHCARD', workstation: 2, refusal: E.NotFound }],
      [cardId, 'denied', { serial: '00001079', workstation: 2, refusal: E.NotFound }],
    ]);
    expect(w.sessions.sessions.size).toBe(0);
  });
});
