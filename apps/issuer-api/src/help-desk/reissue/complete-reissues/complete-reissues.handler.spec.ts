import type { Logger } from 'pino';
import { HelpdeskWorld } from '../../testing/help-desk-world';
import { CompleteReissuesHandler } from './complete-reissues.handler';

async function setup() {
  const w = new HelpdeskWorld();
  const warned: unknown[] = [];
  const log = { warn: (o: unknown) => warned.push(o) } as unknown as Logger;
  const handler = new CompleteReissuesHandler(w.uow, w.lifecycle, w.revocation, w.reissues, w.requests, w.cards, w.vscs, w.reports, log);
  const standIn = await w.temporaryCard({ state: 'active' });
  const oldCardId = standIn.cardId!;
  w.reports.seed({ id: 'report', cardId: oldCardId, reason: 'lost' });
  const requestId = '00000000-0000-4000-8000-0000000000d1';
  const newCardId = '00000000-0000-4000-8000-0000000000d2';
  w.cards.seed({ id: newCardId, state: 'issued', serial: '00002000', requestId });
  w.requests.seed({ id: requestId, state: 'awaiting-card', cardholderId: standIn.cardholderId });
  const vscId = await w.storedVsc({ cardholderId: standIn.cardholderId, requestId });
  w.reissues.seed({ id: 'reissue', oldCardId, requestId, cardholderId: standIn.cardholderId });
  const requestEnds = (state: 'issued' | 'failed' | 'cancelled') =>
    w.requests.rows.set(requestId, { ...w.requests.rows.get(requestId)!, state, cardId: state === 'issued' ? newCardId : null });
  return { w, handler, standIn, oldCardId, newCardId, requestId, vscId, requestEnds, warned };
}

describe('CompleteReissuesHandler', () => {
  it('waits while the request is under way', async () => {
    const { w, handler } = await setup();
    expect(await handler.execute()).toBe(0);
    expect(w.reissues.rows.get('reissue')?.state).toBe('awaiting-card');
    expect(w.uow.events).toEqual([]);
  });

  it('once the new card is issued: the old card is replaced, its report closed, its temporary card revoked', async () => {
    const { w, handler, standIn, oldCardId, newCardId, requestId, vscId, requestEnds } = await setup();
    requestEnds('issued');
    expect(await handler.execute()).toBe(1);
    expect(w.cards.rows.get(oldCardId)?.state).toBe('replaced');
    expect(w.reports.rows.get('report')).toMatchObject({ state: 'closed', closedAt: w.now, closedBy: 'system:reissue' });
    expect(w.temporary.rows.get(standIn.id)).toMatchObject({ state: 'revoked', closeReason: 'the card was replaced' });
    expect(w.reissues.rows.get('reissue')).toMatchObject({ state: 'completed', closedAt: w.now });
    expect(w.uow.events.at(-1)).toMatchObject({
      action: 'card.reissued',
      actor: 'system:reissue',
      targetId: oldCardId,
      outcome: 'success',
      details: {
        reason: 'lost',
        reissueId: 'reissue',
        requestId,
        vscId,
        newCardId,
        newSerial: '00002000',
        oldCardState: 'replaced',
        temporaryCardsRevoked: [standIn.id],
      },
    });
    // Done once: the next sweep finds nothing.
    expect(await handler.execute()).toBe(0);
  });

  it.each(['failed', 'cancelled'] as const)('a %s request fails the reissue; the old card keeps its state', async (state) => {
    const { w, handler, standIn, oldCardId, requestEnds } = await setup();
    requestEnds(state);
    expect(await handler.execute()).toBe(1);
    expect(w.reissues.rows.get('reissue')?.state).toBe('failed');
    expect(w.cards.rows.get(oldCardId)?.state).toBe('lost');
    expect(w.temporary.rows.get(standIn.id)?.state).toBe('active');
    expect(w.uow.events).toEqual([
      expect.objectContaining({
        action: 'card.reissue-failed',
        outcome: 'failure',
        details: expect.objectContaining({ requestState: state }),
      }),
    ]);
  });
});
