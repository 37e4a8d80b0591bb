import { PersonalisationErrorCode } from '../personalisation-errors';
import { claimedRequest, personalisationWorld, REQUEST, SERIAL } from '../testing/personalisation-world';
import { ShowBoundRequestHandler } from './show-bound-request.handler';
import { ShowBoundRequestQuery } from './show-bound-request.query';

describe('ShowBoundRequestHandler', () => {
  it('names the request a card put back belongs to, while that request still takes it', async () => {
    const w = personalisationWorld();
    const handler = new ShowBoundRequestHandler(w.repos.cards, w.repos.requests);
    await claimedRequest(w);
    w.repos.requests.rows.set(REQUEST, { ...w.repos.requests.rows.get(REQUEST)!, state: 'awaiting-card' });
    expect(await handler.execute(new ShowBoundRequestQuery(SERIAL))).toEqual({ requestId: REQUEST, state: 'awaiting-card' });
    w.repos.requests.rows.set(REQUEST, { ...w.repos.requests.rows.get(REQUEST)!, state: 'failed' });
    await expect(handler.execute(new ShowBoundRequestQuery(SERIAL))).rejects.toMatchObject({ code: PersonalisationErrorCode.NotFound });
    await expect(handler.execute(new ShowBoundRequestQuery('-'))).rejects.toMatchObject({ code: PersonalisationErrorCode.NotFound });
  });
});
