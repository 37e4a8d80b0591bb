import { HelpdeskWorld } from '../../testing/help-desk-world';
import { ReissueErrorCode as E } from '../reissue-errors';
import { ShowReissueHandler } from './show-reissue.handler';
import { ShowReissueQuery } from './show-reissue.query';

describe('ShowReissueHandler', () => {
  it('shows the old card, the new request, its VSC and, once claimed, the new card', async () => {
    const w = new HelpdeskWorld();
    const old = await w.card('lost', { escrow: false, serial: '00001000' });
    w.cards.seed({ id: 'new-card', state: 'issued', serial: '00002000' });
    w.requests.seed({ id: 'q1', state: 'issued', cardId: 'new-card', cardholderId: old.holderId });
    const vscId = await w.storedVsc({ requestId: 'q1', cardholderId: old.holderId });
    w.reissues.seed({ id: 'r1', oldCardId: old.cardId, requestId: 'q1', cardholderId: old.holderId, state: 'completed', closedAt: w.now });
    const view = await new ShowReissueHandler(w.reissueRecords).execute(new ShowReissueQuery('r1'));
    expect(view).toEqual({
      id: 'r1',
      oldCardId: old.cardId,
      oldSerial: '00001000',
      cardholderId: old.holderId,
      reason: 'lost',
      state: 'completed',
      requestId: 'q1',
      requestState: 'issued',
      vscId,
      newCardId: 'new-card',
      newSerial: '00002000',
      approvalId: '00000000-0000-4000-8000-00000000a001',
      sourceVsc: { id: '00000000-0000-4000-8000-0000000005c0', version: 1 },
      createdAt: '2026-11-30T08:00:00.000Z',
      closedAt: w.now.toISOString(),
    });
  });

  it('is NotFound for an unknown reissue', async () => {
    const w = new HelpdeskWorld();
    await expect(new ShowReissueHandler(w.reissueRecords).execute(new ShowReissueQuery('nope'))).rejects.toMatchObject({
      code: E.NotFound,
    });
  });
});
