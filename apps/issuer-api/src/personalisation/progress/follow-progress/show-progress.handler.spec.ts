import { PersonalisationErrorCode } from '../../personalisation-errors';
import { claimedRequest, personalisationWorld, REQUEST, SERIAL } from '../../testing/personalisation-world';
import { InMemoryProgressViewsRepository } from '../in-memory-progress-views.repository';
import { ShowProgressHandler } from './show-progress.handler';
import { ShowProgressQuery } from './show-progress.query';

describe('ShowProgressHandler', () => {
  it('shows where each card of a batch stands, and NotFound for a batch with no request', async () => {
    const w = personalisationWorld();
    const views = new InMemoryProgressViewsRepository(w.repos);
    const handler = new ShowProgressHandler(views);
    await claimedRequest(w, { attempt: { attempt: 2, stepsDone: 5, stepsTotal: 18, lastStep: 'import:9d' } });
    w.repos.requests.rows.set(REQUEST, { ...w.repos.requests.rows.get(REQUEST)!, batchId: 'b1' });
    w.repos.requests.seed({
      id: 'r2',
      state: 'awaiting-card',
      batchId: 'b1',
      cardholderId: w.repos.requests.rows.get(REQUEST)!.cardholderId,
    });
    expect(await handler.execute(new ShowProgressQuery({ batchId: 'b1' }))).toEqual([
      {
        requestId: REQUEST,
        cardholder: 'Olga Holder',
        state: 'personalising',
        failure: null,
        serial: SERIAL,
        attempt: 2,
        stepsDone: 5,
        stepsTotal: 18,
        lastStep: 'import:9d',
      },
      {
        requestId: 'r2',
        cardholder: 'Olga Holder',
        state: 'awaiting-card',
        failure: null,
        serial: null,
        attempt: null,
        stepsDone: 0,
        stepsTotal: null,
        lastStep: null,
      },
    ]);
    await expect(handler.execute(new ShowProgressQuery({ batchId: 'b2' }))).rejects.toMatchObject({
      code: PersonalisationErrorCode.NotFound,
      message: 'no batch b2',
    });
    await expect(handler.execute(new ShowProgressQuery({ requestId: 'r9' }))).rejects.toMatchObject({ message: 'no request r9' });
  });
});
