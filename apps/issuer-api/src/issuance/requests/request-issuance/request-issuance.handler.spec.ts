import { TestUnitOfWork, testActor } from '../../../platform/testing/test-unit-of-work';
import { InMemoryCardholderRepository } from '../../cardholders/in-memory-cardholder.repository';
import { InMemoryProfileRepository } from '../../profiles/in-memory-profile.repository';
import { InMemoryRequestRepository } from '../in-memory-request.repository';
import { IssuanceErrorCode } from '../issuance-errors';
import { RequestIssuanceCommand } from './request-issuance.command';
import { RequestIssuanceHandler } from './request-issuance.handler';

const ALICE = '00000000-0000-4000-8000-0000000000c1';
const BOB = '00000000-0000-4000-8000-0000000000c2';
const SPONSOR = 'user:00000000-0000-4000-8000-0000000000b2';

function setup(max = 100) {
  const requests = new InMemoryRequestRepository();
  const cardholders = new InMemoryCardholderRepository();
  const profiles = new InMemoryProfileRepository();
  profiles.seed({ id: 'default', isDefault: true });
  profiles.seed({ id: 'seed' });
  cardholders.seed({ id: ALICE, name: 'Alice', upn: 'alice@corp', email: 'alice@example.org', sponsoredBy: SPONSOR });
  cardholders.seed({ id: BOB, name: 'Bob', upn: 'bob@corp', sponsoredBy: SPONSOR });
  const uow = new TestUnitOfWork();
  const handler = new RequestIssuanceHandler(uow, requests, cardholders, profiles, { SCM_ISSUANCE_BATCH_MAX: max });
  return { requests, cardholders, uow, handler };
}

describe('RequestIssuanceHandler', () => {
  it('separation of duties: each card consumes a sponsorship by an officer other than the requester', async () => {
    const { requests, cardholders, uow, handler } = setup();
    const r = await handler.execute(new RequestIssuanceCommand([{ cardholder: ALICE }], testActor(), { batch: false }));
    expect(requests.rows.get(r.requests[0].id)).toMatchObject({ sponsoredBy: SPONSOR, createdBy: testActor().actor });
    expect(cardholders.rows.get(ALICE)?.sponsoredBy).toBeNull();
    // the sponsorship was used: once the request ends, another card needs another sponsorship
    requests.rows.set(r.requests[0].id, { ...requests.rows.get(r.requests[0].id)!, state: 'issued' });
    await expect(handler.execute(new RequestIssuanceCommand([{ cardholder: ALICE }], testActor(), { batch: false }))).rejects.toMatchObject(
      {
        code: IssuanceErrorCode.NotSponsored,
        meta: { errors: [{ index: 0, cardholderId: ALICE }] },
      },
    );
    // the sponsor does not request the card they sponsored
    await expect(
      handler.execute(new RequestIssuanceCommand([{ cardholder: BOB }], { ...testActor(), actor: SPONSOR }, { batch: false })),
    ).rejects.toMatchObject({ code: IssuanceErrorCode.SponsorIsRequester });
    expect(uow.events.slice(1).map((e) => `${e.action}:${e.outcome}:${String(e.details?.refusal)}`)).toEqual([
      `issuance-request.requested:denied:${IssuanceErrorCode.NotSponsored}`,
      `issuance-request.requested:denied:${IssuanceErrorCode.SponsorIsRequester}`,
    ]);
    expect(cardholders.rows.get(BOB)?.sponsoredBy).toBe(SPONSOR);
  });

  it('a relaxed (lab) configuration issues without a sponsorship', async () => {
    const requests = new InMemoryRequestRepository();
    const cardholders = new InMemoryCardholderRepository();
    const profiles = new InMemoryProfileRepository();
    profiles.seed({ id: 'default', isDefault: true });
    cardholders.seed({ id: ALICE, name: 'Alice', upn: 'alice@corp' });
    const cfg = { SCM_ISSUANCE_BATCH_MAX: 10, SCM_SEPARATION_OF_DUTIES: 'relaxed' as const };
    const handler = new RequestIssuanceHandler(new TestUnitOfWork(), requests, cardholders, profiles, cfg);
    const r = await handler.execute(new RequestIssuanceCommand([{ cardholder: ALICE }], testActor(), { batch: false }));
    expect(requests.rows.get(r.requests[0].id)).toMatchObject({ sponsoredBy: null });
  });

  it('creates one request with a copy of the default profile, its history, audit, generate-keys job and announcement', async () => {
    const { requests, uow, handler } = setup();
    const r = await handler.execute(new RequestIssuanceCommand([{ cardholder: 'Alice@Example.org' }], testActor(), { batch: false }));
    expect(r).toEqual({
      batchId: null,
      size: 1,
      existing: false,
      requests: [{ id: expect.any(String), cardholderId: ALICE, profileId: 'default', state: 'requested' }],
    });
    const id = r.requests[0].id;
    expect(requests.rows.get(id)).toMatchObject({
      cardholderId: ALICE,
      profileId: 'default',
      state: 'requested',
      batchId: null,
      createdBy: testActor().actor,
      profile: { validityDays: 1095 },
    });
    expect(requests.history).toEqual([
      { requestId: id, from: null, to: 'requested', actor: testActor().actor, details: { batchId: null } },
    ]);
    expect(uow.jobs).toEqual([expect.objectContaining({ name: 'generate-keys', payload: { requestId: id } })]);
    expect(uow.events).toEqual([
      expect.objectContaining({
        action: 'issuance-request.requested',
        targetId: id,
        outcome: 'success',
        details: { cardholderId: ALICE, profile: 'default', sponsoredBy: SPONSOR },
      }),
    ]);
    expect(requests.announced).toEqual([
      { type: 'state', requestId: id, batchId: null, from: null, state: 'requested', at: uow.testClock.now().toISOString() },
    ]);
  });

  it('creates a batch: the batch row, one request per entry in order, and the batch audited', async () => {
    const { requests, uow, handler } = setup();
    const r = await handler.execute(
      new RequestIssuanceCommand([{ cardholder: 'bob@corp', profile: 'seed' }, { cardholder: ALICE }], testActor(), {
        batch: true,
        reference: 'hr-2026-12',
      }),
    );
    expect(r.batchId).toEqual(expect.any(String));
    expect(r.requests.map((x) => [x.cardholderId, x.profileId])).toEqual([
      [BOB, 'seed'],
      [ALICE, 'default'],
    ]);
    expect(requests.batches.get(r.batchId!)).toMatchObject({ reference: 'hr-2026-12', size: 2, createdBy: testActor().actor });
    expect(requests.history.map((h) => h.details)).toEqual([{ batchId: r.batchId }, { batchId: r.batchId }]);
    expect(uow.jobs.map((j) => j.payload)).toEqual(r.requests.map((x) => ({ requestId: x.id })));
    expect(uow.events.map((e) => [e.action, e.details])).toEqual([
      ['issuance-request.requested', { cardholderId: BOB, profile: 'seed', sponsoredBy: SPONSOR, batchId: r.batchId }],
      ['issuance-request.requested', { cardholderId: ALICE, profile: 'default', sponsoredBy: SPONSOR, batchId: r.batchId }],
      ['issuance-batch.created', { size: 2, reference: 'hr-2026-12' }],
    ]);
  });

  it('answers a reference sent again with the first batch and creates nothing', async () => {
    const { requests, uow, handler } = setup();
    const cmd = () => new RequestIssuanceCommand([{ cardholder: 'bob@corp' }], testActor(), { batch: true, reference: 'again' });
    const first = await handler.execute(cmd());
    const before = { rows: requests.rows.size, events: uow.events.length, jobs: uow.jobs.length };
    const again = await handler.execute(cmd());
    expect(again).toEqual({ ...first, existing: true });
    expect({ rows: requests.rows.size, events: uow.events.length, jobs: uow.jobs.length }).toEqual(before);
  });

  it('refuses the whole call when an entry is wrong: every error named, the refusal audited, nothing created', async () => {
    const { requests, uow, handler } = setup();
    requests.seed({ id: 'r-open', state: 'awaiting-card', cardholderId: BOB });
    const err = await handler
      .execute(
        new RequestIssuanceCommand([{ cardholder: ALICE }, { cardholder: 'bob@corp' }, { cardholder: 'x@corp' }], testActor(), {
          batch: true,
        }),
      )
      .catch((e: unknown) => e);
    expect(err).toMatchObject({
      code: IssuanceErrorCode.InvalidBatch,
      message: '2 of 3 entries are wrong; no request was created',
      meta: {
        errors: [
          { index: 1, code: 'open-request', message: `cardholder ${BOB} already has request r-open (awaiting-card)` },
          { index: 2, code: 'cardholder-not-found', message: 'no cardholder "x@corp"' },
        ],
      },
    });
    expect([...requests.rows.keys()]).toEqual(['r-open']);
    expect(requests.batches.size).toBe(0);
    expect(uow.jobs).toEqual([]);
    expect(uow.events).toEqual([
      expect.objectContaining({ action: 'issuance-batch.refused', targetId: null, outcome: 'failure', details: { size: 3, errors: 2 } }),
    ]);
  });

  it('refuses an empty call and one over the limit before any transaction', async () => {
    const { uow, handler } = setup(1);
    await expect(handler.execute(new RequestIssuanceCommand([], testActor(), { batch: true }))).rejects.toMatchObject({
      code: IssuanceErrorCode.Invalid,
    });
    await expect(
      handler.execute(new RequestIssuanceCommand([{ cardholder: ALICE }, { cardholder: BOB }], testActor(), { batch: true })),
    ).rejects.toMatchObject({ code: IssuanceErrorCode.TooMany, message: 'at most 1 requests per call, got 2' });
    expect(uow.committed).toEqual([]);
  });
});
