import { testActor } from '../../platform/testing/test-unit-of-work';
import { PersonalisationErrorCode } from '../personalisation-errors';
import {
  claimedRequest,
  escrowedRequest,
  leaseTo,
  OTHER_WORKER,
  personalisationWorld,
  REQUEST,
  SERIAL,
  WORKER,
} from '../testing/personalisation-world';
import { ReassignRequestCommand } from './reassign-request.command';
import { ReassignRequestHandler } from './reassign-request.handler';

function setup() {
  const w = personalisationWorld();
  const r = w.repos;
  const handler = new ReassignRequestHandler(w.uow, w.states, w.outcomes, r.requests, r.cards, r.workers, r.leases);
  w.enrol(OTHER_WORKER, 1);
  const reassign = (to = OTHER_WORKER) => handler.execute(new ReassignRequestCommand(REQUEST, to, 'workstation 0 broke down', testActor()));
  return { w, r, reassign };
}

describe('ReassignRequestHandler', () => {
  it('moves an in-flight request to another worker: the attempt is interrupted, the lease dropped, audited', async () => {
    const { w, r, reassign } = setup();
    await claimedRequest(w);
    await leaseTo(w);
    const view = await reassign();
    expect(view).toEqual({ requestId: REQUEST, state: 'awaiting-card', serial: SERIAL, from: WORKER, to: OTHER_WORKER });
    expect(r.requests.rows.get(REQUEST)).toMatchObject({ state: 'awaiting-card', workerId: OTHER_WORKER });
    expect(r.requests.rows.get(REQUEST)!.cardId).not.toBeNull();
    expect(r.leases.rows.size).toBe(0);
    expect(w.uow.events.map((e) => [e.action, e.outcome])).toEqual([
      ['issuance-request.awaiting-card', 'success'],
      ['personalisation.reassigned', 'success'],
    ]);
    expect(w.uow.events[1].details).toMatchObject({ from: WORKER, to: OTHER_WORKER, serial: SERIAL, interrupted: true });
  });

  it('refuses a request not bound to a card, a worker that is not approved, and the worker it already has; audited', async () => {
    const { w, r, reassign } = setup();
    await escrowedRequest(w);
    await expect(reassign()).rejects.toMatchObject({ code: PersonalisationErrorCode.NotInFlight });
    r.workers.seed({ id: 'suspended-worker', status: 'suspended' });
    await expect(reassign('suspended-worker')).rejects.toMatchObject({ code: PersonalisationErrorCode.Invalid });
    await expect(reassign('no-such-worker')).rejects.toMatchObject({ code: PersonalisationErrorCode.NotFound });
    const w2 = setup();
    await claimedRequest(w2.w);
    await expect(w2.reassign(WORKER)).rejects.toMatchObject({ code: PersonalisationErrorCode.Invalid });
    expect(w.uow.events.map((e) => [e.action, e.outcome])).toEqual([
      ['personalisation.reassign', 'denied'],
      ['personalisation.reassign', 'denied'],
      ['personalisation.reassign', 'denied'],
    ]);
    expect(w2.w.repos.requests.rows.get(REQUEST)).toMatchObject({ state: 'personalising', workerId: WORKER });
  });
});
