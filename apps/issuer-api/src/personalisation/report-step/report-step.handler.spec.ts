import { testActor } from '../../platform/testing/test-unit-of-work';
import { claimedRequest, leaseTo, OTHER_WORKER, personalisationWorld, REQUEST, SERIAL, WORKER } from '../testing/personalisation-world';
import { ReportStepCommand } from './report-step.command';
import { ReportStepHandler } from './report-step.handler';

function setup() {
  const w = personalisationWorld();
  const handler = new ReportStepHandler(w.uow, w.attempts, w.repos.attempts, w.repos.requests, w.repos.cards, w.guard);
  const report = (r: Record<string, unknown>, workerId = WORKER) =>
    handler.execute(new ReportStepCommand(workerId, { requestId: REQUEST, attempt: 1, ...r }, testActor(workerId, 'card-worker')));
  return { w, report };
}

describe('ReportStepHandler', () => {
  it("records the plan, then each step of the claiming worker's attempt: logged, counted, announced, audited when it ends", async () => {
    const { w, report } = setup();
    const { card } = await claimedRequest(w);
    await leaseTo(w);
    w.clock.advance(20_000);
    expect(await report({ plan: true, steps: ['claim', 'key-material', 'drop table', 'issued'] })).toBe(true);
    // Progress renews the worker's lease on the request.
    expect(w.repos.leases.rows.get(REQUEST)!.expiresAt).toEqual(new Date(w.clock.now().getTime() + 30_000));
    expect(await report({ step: 'key-material', outcome: 'started' })).toBe(true);
    expect(await report({ step: 'key-material', outcome: 'done', details: { slots: 2, 'bad key': 1, pin: { x: 1 } } })).toBe(true);
    expect(w.repos.attempts.rows.get(REQUEST)).toMatchObject({ stepsTotal: 3, stepsDone: 1, lastStep: 'key-material' });
    expect(w.repos.attempts.announced.map((e) => [e.step, e.outcome, e.done, e.total, e.serial])).toEqual([
      ['key-material', 'started', 0, 3, SERIAL],
      ['key-material', 'done', 1, 3, SERIAL],
    ]);
    expect(w.uow.events).toEqual([
      expect.objectContaining({
        action: 'personalisation.step',
        targetType: 'card',
        targetId: card.id,
        outcome: 'success',
        details: { requestId: REQUEST, attempt: 1, step: 'key-material', outcome: 'done', slots: 2 },
      }),
    ]);
  });

  it('ignores reports of another worker, another attempt, an unknown step or a request that takes none', async () => {
    const { w, report } = setup();
    await claimedRequest(w);
    w.enrol(OTHER_WORKER);
    expect(await report({ step: 'claim', outcome: 'done' }, OTHER_WORKER)).toBe(false);
    expect(await report({ step: 'claim', outcome: 'done', attempt: 2 })).toBe(false);
    expect(await report({ step: 'format c:', outcome: 'done' })).toBe(false);
    expect(await report({ step: 'claim', outcome: 'maybe' })).toBe(false);
    expect(await report({ requestId: 'not-a-uuid', step: 'claim', outcome: 'done' })).toBe(false);
    w.repos.requests.rows.set(REQUEST, { ...w.repos.requests.rows.get(REQUEST)!, state: 'failed' });
    expect(await report({ step: 'claim', outcome: 'done' })).toBe(false);
    expect(w.repos.attempts.steps).toEqual([]);
    expect(w.uow.events).toEqual([]);
  });

  it("records one request's reports in the order they arrive", async () => {
    const { w, report } = setup();
    await claimedRequest(w);
    const steps = ['claim', 'authenticate', 'key-material', 'puk', 'pin'];
    await Promise.all(steps.map((step) => report({ step, outcome: 'done' })));
    expect(w.repos.attempts.steps.map((s) => s.step)).toEqual(steps);
  });

  it('records the reports of a request that arrive together in one transaction, and one that does not count costs only itself', async () => {
    const { w, report } = setup();
    await claimedRequest(w);
    const before = w.uow.committed.length;
    const results = await Promise.all([
      report({ plan: true, steps: ['claim', 'authenticate', 'key-material'] }),
      report({ step: 'claim', outcome: 'started' }),
      report({ step: 'claim', outcome: 'done' }),
      report({ step: 'claim', outcome: 'done', attempt: 7 }),
      report({ step: 'authenticate', outcome: 'done' }),
    ]);
    expect(results).toEqual([true, true, true, false, true]);
    expect(w.uow.committed.length - before).toBe(1);
    expect(w.repos.attempts.steps.map((s) => [s.step, s.outcome])).toEqual([
      ['claim', 'started'],
      ['claim', 'done'],
      ['authenticate', 'done'],
    ]);
    expect(w.repos.attempts.rows.get(REQUEST)).toMatchObject({ stepsTotal: 3, stepsDone: 2, lastStep: 'authenticate' });
    expect(w.uow.events.map((e) => (e.details as { step: string }).step)).toEqual(['claim', 'authenticate']);
  });

  it('records a batch report by report when its transaction fails, so only the failing report is lost', async () => {
    const { w, report } = setup();
    await claimedRequest(w);
    const addStep = w.repos.attempts.addStep.bind(w.repos.attempts);
    jest.spyOn(w.repos.attempts, 'addStep').mockImplementation(async (tx, s, counts) => {
      if (s.step === 'authenticate') throw new Error('disk full');
      return addStep(tx, s, counts);
    });
    const results = await Promise.allSettled([
      report({ step: 'claim', outcome: 'done' }),
      report({ step: 'authenticate', outcome: 'done' }),
      report({ step: 'key-material', outcome: 'done' }),
    ]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    // (The in-memory repositories keep what the failed transaction wrote: PostgreSQL would not.)
    expect(new Set(w.repos.attempts.steps.map((s) => s.step))).toEqual(new Set(['claim', 'key-material']));
  });
});
