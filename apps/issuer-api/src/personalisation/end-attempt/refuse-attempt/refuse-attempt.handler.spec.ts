import { testActor } from '../../../platform/testing/test-unit-of-work';
import { PersonalisationErrorCode } from '../../personalisation-errors';
import { claimedRequest, personalisationWorld, REQUEST, SERIAL, WORKER } from '../../testing/personalisation-world';
import { RefuseAttemptCommand } from './refuse-attempt.command';
import { RefuseAttemptHandler } from './refuse-attempt.handler';

function setup() {
  const w = personalisationWorld();
  const handler = new RefuseAttemptHandler(w.uow, w.attempts, w.outcomes, w.repos.attempts);
  const run = (step = 'objects', sw: string | null = '6A80') =>
    handler.execute(
      new RefuseAttemptCommand(REQUEST, WORKER, { step, sw, reason: 'PUT DATA 5FC102: SW=6A80' }, testActor(WORKER, 'card-worker')),
    );
  return { w, run };
}

describe('RefuseAttemptHandler', () => {
  it('a first refusal: the step is logged failed with its status word and the request waits for the same card', async () => {
    const { w, run } = setup();
    const { card } = await claimedRequest(w, { attempt: { lastStep: 'certificates' } });
    expect(await run()).toEqual({ state: 'awaiting-card', final: false, refusals: 1, step: 'objects', sw: '6A80' });
    expect(w.repos.requests.rows.get(REQUEST)).toMatchObject({ state: 'awaiting-card', cardId: card.id });
    expect(w.repos.attempts.rows.get(REQUEST)).toMatchObject({ refusals: 1, refusedStep: 'objects', refusedSw: '6A80' });
    expect(w.repos.attempts.steps).toEqual([
      expect.objectContaining({ step: 'objects', outcome: 'failed', details: expect.objectContaining({ sw: '6A80', refusals: 1 }) }),
    ]);
    expect(w.uow.events.map((e) => [e.action, e.outcome])).toEqual([
      ['personalisation.card-refused', 'failure'],
      ['issuance-request.awaiting-card', 'success'],
    ]);
  });

  it('the same refusal on the next attempt ends failed-card naming step and status word; nothing spoiled or revoked; the job done', async () => {
    const { w, run } = setup();
    const { card } = await claimedRequest(w, { attempt: { attempt: 2, refusals: 1, refusedStep: 'objects', refusedSw: '6A80' } });
    expect(await run()).toEqual({ state: 'failed-card', final: true, refusals: 2, step: 'objects', sw: '6A80' });
    const r = w.repos.requests.rows.get(REQUEST)!;
    expect(r.state).toBe('failed-card');
    expect(r.failure).toMatch(new RegExp(`card ${SERIAL} refused step objects with SW=6A80 on consecutive attempts`));
    expect(w.repos.cards.rows.get(card.id)!.state).toBe('personalising');
    expect(w.statuses.applied).toEqual([]);
    expect(w.uow.events.find((e) => e.action === 'issuance-request.failed-card')!.details).toMatchObject({ step: 'objects', sw: '6A80' });
  });

  it('a third refused attempt ends failed-card even when the refusals differ', async () => {
    const { w, run } = setup();
    await claimedRequest(w, { attempt: { attempt: 3, refusals: 2, refusedStep: 'import:9d', refusedSw: '6A80' } });
    expect(await run('objects', '6A84')).toMatchObject({ state: 'failed-card', final: true, refusals: 3 });
    expect(w.repos.requests.rows.get(REQUEST)!.failure).toMatch(/on 3 of at most 3 attempts/);
  });

  it('refuses a worker that did not claim the card, and a step that is not one', async () => {
    const { w, run } = setup();
    await claimedRequest(w);
    await expect(run('drop table')).rejects.toMatchObject({ code: PersonalisationErrorCode.Invalid });
    w.repos.requests.rows.set(REQUEST, { ...w.repos.requests.rows.get(REQUEST)!, state: 'awaiting-card' });
    await expect(run()).rejects.toMatchObject({ code: PersonalisationErrorCode.NotClaimant });
    expect(w.uow.events.map((e) => [e.action, e.outcome])).toEqual([
      ['personalisation.card-refused', 'denied'],
      ['personalisation.card-refused', 'denied'],
    ]);
    expect(w.repos.attempts.rows.get(REQUEST)!.refusals).toBe(0);
  });
});
