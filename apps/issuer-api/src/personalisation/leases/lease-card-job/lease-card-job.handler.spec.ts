import { testActor } from '../../../platform/testing/test-unit-of-work';
import { PersonalisationErrorCode } from '../../personalisation-errors';
import {
  ATR,
  claimedRequest,
  escrowedRequest,
  OTHER_WORKER,
  personalisationWorld,
  REQUEST,
  SERIAL,
  WORKER,
} from '../../testing/personalisation-world';
import { LeaseCardJobCommand } from './lease-card-job.command';
import { LeaseCardJobHandler } from './lease-card-job.handler';

const READER = 'Virtual PCD 00 00';
const SECOND = '00000000-0000-4000-8000-0000000000a2';

function setup() {
  const w = personalisationWorld();
  const r = w.repos;
  const handler = new LeaseCardJobHandler(w.uow, w.states, r.leases, r.cards, r.workers, w.cfg);
  w.enrol(WORKER);
  w.enrol(OTHER_WORKER, 1);
  const lease = (card: { serial?: string; guid?: string; reader?: string } = {}, workerId = WORKER) =>
    handler.execute(
      new LeaseCardJobCommand(
        workerId,
        workerId === OTHER_WORKER ? 1 : 0,
        { reader: READER, serial: SERIAL, atr: ATR, ...card },
        testActor(workerId, 'card-worker'),
      ),
    );
  return { w, r, lease };
}

describe('LeaseCardJobHandler', () => {
  it('leases the oldest request waiting for a blank card to the worker, its workstation, reader and card; audited once', async () => {
    const { w, r, lease } = setup();
    await escrowedRequest(w);
    const view = await lease();
    expect(view).toEqual({
      lease: { requestId: REQUEST, bound: false, expiresAt: new Date(w.clock.now().getTime() + 30_000).toISOString() },
    });
    expect(r.leases.rows.get(REQUEST)).toMatchObject({ workerId: WORKER, workstation: 0, reader: READER, serial: SERIAL });
    // Asking again for the same card renews the lease, without a second audit record.
    w.clock.advance(10_000);
    expect((await lease()).lease?.requestId).toBe(REQUEST);
    expect(r.leases.rows.get(REQUEST)!.expiresAt).toEqual(new Date(w.clock.now().getTime() + 30_000));
    expect(w.uow.events.map((e) => e.action)).toEqual(['personalisation.leased']);
  });

  it('gives another worker nothing while the lease is live, and the request once it ran out', async () => {
    const { w, r, lease } = setup();
    await escrowedRequest(w);
    await lease();
    expect(await lease({ serial: '555' }, OTHER_WORKER)).toEqual({ lease: null });
    w.clock.advance(30_000);
    expect((await lease({ serial: '555' }, OTHER_WORKER)).lease).toMatchObject({ requestId: REQUEST, bound: false });
    expect(r.leases.rows.get(REQUEST)).toMatchObject({ workerId: OTHER_WORKER, workstation: 1, serial: '555' });
  });

  it('offers nothing for a card with a foreign identity, or when no request waits', async () => {
    const { w, lease } = setup();
    expect(await lease()).toEqual({ lease: null });
    await escrowedRequest(w);
    expect(await lease({ guid: '00000000-0000-4000-8000-0000000000ff' })).toEqual({ lease: null });
  });

  it('resumes a bound card for its worker only; another worker is refused (audited), nothing moves', async () => {
    const { w, r, lease } = setup();
    await claimedRequest(w);
    r.requests.rows.set(REQUEST, { ...r.requests.rows.get(REQUEST)!, state: 'awaiting-card' });
    r.requests.seed({ id: SECOND, state: 'awaiting-card' });
    expect((await lease()).lease).toMatchObject({ requestId: REQUEST, bound: true });
    await expect(lease({}, OTHER_WORKER)).rejects.toMatchObject({ code: PersonalisationErrorCode.BoundToAnotherWorker });
    expect(r.requests.rows.get(REQUEST)).toMatchObject({ workerId: WORKER });
    expect(w.uow.events.at(-1)).toMatchObject({ action: 'personalisation.lease', outcome: 'denied', targetId: REQUEST });
    // Reporting a card is not claiming it: the refusal does not count toward suspension.
    expect(r.leases.claims).toEqual([]);
  });

  it('refuses a worker that is not approved', async () => {
    const { w, r, lease } = setup();
    await escrowedRequest(w);
    r.workers.seed({ id: 'pending-worker', status: 'pending' });
    await expect(lease({}, 'pending-worker')).rejects.toMatchObject({ code: PersonalisationErrorCode.NotClaimant });
    expect(r.leases.rows.size).toBe(0);
  });
});
