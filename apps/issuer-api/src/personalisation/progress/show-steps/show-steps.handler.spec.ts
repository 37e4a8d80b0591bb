import { claimedRequest, personalisationWorld, REQUEST, SERIAL, WORKER } from '../../testing/personalisation-world';
import { InMemoryProgressViewsRepository } from '../in-memory-progress-views.repository';
import { ShowStepsHandler } from './show-steps.handler';
import { ShowStepsQuery } from './show-steps.query';

describe('ShowStepsHandler', () => {
  it("lists a request's steps in the order they were recorded, with the card's serial", async () => {
    const w = personalisationWorld();
    const handler = new ShowStepsHandler(new InMemoryProgressViewsRepository(w.repos));
    const { card } = await claimedRequest(w);
    const at = w.clock.now();
    for (const [step, outcome] of [
      ['claim', 'done'],
      ['authenticate', 'failed'],
    ] as const)
      await w.repos.attempts.addStep(
        undefined as never,
        { requestId: REQUEST, cardId: card.id, workerId: WORKER, attempt: 1, step, outcome, details: { n: 1 }, at },
        true,
      );
    expect(await handler.execute(new ShowStepsQuery(REQUEST))).toEqual([
      { attempt: 1, step: 'claim', outcome: 'done', details: { n: 1 }, at, serial: SERIAL, workerId: WORKER },
      { attempt: 1, step: 'authenticate', outcome: 'failed', details: { n: 1 }, at, serial: SERIAL, workerId: WORKER },
    ]);
    expect(await handler.execute(new ShowStepsQuery('other'))).toEqual([]);
  });
});
