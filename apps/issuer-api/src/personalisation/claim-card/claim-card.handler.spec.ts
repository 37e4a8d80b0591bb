import { PersonalisationErrorCode } from '../personalisation-errors';
import { testActor } from '../../platform/testing/test-unit-of-work';
import {
  ATR,
  escrowedRequest,
  leaseTo,
  OTHER_WORKER,
  personalisationWorld,
  REQUEST,
  SERIAL,
  WORKER,
} from '../testing/personalisation-world';
import { CardBindingService } from './card-binding.service';
import { ClaimCardCommand } from './claim-card.command';
import { ClaimCardHandler } from './claim-card.handler';

type W = ReturnType<typeof personalisationWorld>;

function setup() {
  const w = personalisationWorld();
  const r = w.repos;
  const binding = new CardBindingService(w.lifecycle, r.requests, r.vscs, w.escrow, w.secrets, r.credentials);
  const handler = new ClaimCardHandler(
    w.uow,
    w.states,
    r.requests,
    r.cards,
    r.vscs,
    r.workers,
    r.attempts,
    w.attempts,
    binding,
    w.guard,
    w.channel,
  );
  w.enrol(WORKER);
  w.enrol(OTHER_WORKER, 1);
  const claim = (card: { serial?: string; guid?: string } = {}, workerId = WORKER, workstation?: number) =>
    handler.execute(
      new ClaimCardCommand(
        REQUEST,
        workerId,
        workstation ?? (workerId === OTHER_WORKER ? 1 : 0),
        { serial: SERIAL, atr: ATR, ...card },
        testActor(workerId, 'card-worker'),
      ),
    );
  return { w, r, claim };
}

describe('ClaimCardHandler', () => {
  it('binds a blank card: registers it, records the binding on request and VSC, seals its PUK, starts attempt 1', async () => {
    const { w, r, claim } = setup();
    const { vscId } = await escrowedRequest(w);
    await leaseTo(w);
    const view = await claim();
    const card = r.cards.rows.get(view.cardId)!;
    expect(view).toEqual({
      requestId: REQUEST,
      cardId: card.id,
      serial: SERIAL,
      attempt: 1,
      resumed: false,
      state: 'personalising',
      managementKey: 'transport',
      transportBatch: 'factory-default',
      stepsDone: [],
      vscId,
    });
    expect(card).toMatchObject({ serial: SERIAL, state: 'personalising', requestId: REQUEST, vscId, atr: Buffer.from(ATR, 'hex') });
    expect(r.requests.rows.get(REQUEST)).toMatchObject({ state: 'personalising', cardId: card.id, workerId: WORKER });
    expect(r.vscs.vscs.get(vscId)!.state.binding).toEqual({ serial: SERIAL, atr: ATR.toLowerCase() });
    expect(r.credentials.rows.get(card.id)).toMatchObject({ pukKey: 'scm-puk/1', pukSealed: Buffer.from(`sealed:${card.id}:12345678`) });
    expect(r.attempts.steps).toEqual([
      expect.objectContaining({ step: 'claim', outcome: 'done', attempt: 1, details: { resumed: false } }),
    ]);
    expect(r.attempts.announced).toEqual([expect.objectContaining({ type: 'step', requestId: REQUEST, step: 'claim', done: 1 })]);
    expect(w.uow.events.map((e) => `${e.action}:${e.outcome}`)).toEqual([
      'card.personalising:success',
      'vsc.bound:success',
      'issuance-request.personalising:success',
      'personalisation.claimed:success',
    ]);
  });

  it('resumes on the bound card: the next attempt keeps the management key and lists the steps done', async () => {
    const { w, r, claim } = setup();
    await escrowedRequest(w);
    await leaseTo(w);
    const first = await claim();
    await r.attempts.update(undefined as never, REQUEST, { managementKey: 'diversified' });
    await r.attempts.addStep(
      undefined as never,
      {
        requestId: REQUEST,
        cardId: first.cardId,
        workerId: WORKER,
        attempt: 1,
        step: 'key-material',
        outcome: 'done',
        details: {},
        at: w.clock.now(),
      },
      true,
    );
    const again = await claim();
    expect(again).toMatchObject({
      cardId: first.cardId,
      attempt: 2,
      resumed: true,
      managementKey: 'diversified',
      stepsDone: ['claim', 'key-material'],
    });
    expect(r.credentials.rows.size).toBe(1);
  });

  it('refuses another worker the bound request, even with a lease: no silent takeover', async () => {
    const { w, r, claim } = setup();
    await escrowedRequest(w);
    await leaseTo(w);
    const first = await claim();
    await leaseTo(w, OTHER_WORKER);
    await expect(claim({}, OTHER_WORKER)).rejects.toMatchObject({ code: PersonalisationErrorCode.BoundToAnotherWorker });
    expect(r.requests.rows.get(REQUEST)).toMatchObject({ workerId: WORKER, cardId: first.cardId });
    expect(w.uow.events.filter((e) => e.action === 'personalisation.taken-over')).toEqual([]);
    expect(w.uow.events.at(-1)).toMatchObject({ action: 'personalisation.claim', outcome: 'denied' });
  });

  it.each([
    ['without a lease', async () => undefined, {}, WORKER, 0],
    ['leased to another worker', (w: W) => leaseTo(w, OTHER_WORKER), {}, WORKER, 0],
    ['at another workstation than the lease', (w: W) => leaseTo(w), {}, WORKER, 5],
    ['for another card than the leased one', (w: W) => leaseTo(w), { serial: '424242' }, WORKER, 0],
    [
      'after the lease ran out',
      async (w: W) => {
        await leaseTo(w);
        w.clock.advance(30_000);
      },
      {},
      WORKER,
      0,
    ],
  ] as const)('refuses a claim %s (audited), writing nothing', async (_what, arrange, card, workerId, workstation) => {
    const { w, r, claim } = setup();
    await escrowedRequest(w);
    await arrange(w);
    await expect(claim(card, workerId, workstation)).rejects.toMatchObject({ code: PersonalisationErrorCode.NotLeased });
    expect(r.cards.rows.size).toBe(0);
    expect(r.requests.rows.get(REQUEST)).toMatchObject({ state: 'awaiting-card', cardId: null });
    expect(w.uow.events).toEqual([
      expect.objectContaining({
        action: 'personalisation.claim',
        outcome: 'denied',
        details: expect.objectContaining({ workerId, reason: PersonalisationErrorCode.NotLeased }),
      }),
    ]);
    expect(r.leases.claims).toEqual([expect.objectContaining({ workerId, outcome: PersonalisationErrorCode.NotLeased, suspicious: true })]);
  });

  it('suspends a worker whose unleased claims reach the threshold: sessions end, channel closed, alarm audited', async () => {
    const { w, r, claim } = setup();
    await escrowedRequest(w);
    for (let i = 0; i < 3; i++) await expect(claim()).rejects.toMatchObject({ code: PersonalisationErrorCode.NotLeased });
    expect(r.workers.workers.get(WORKER)).toMatchObject({ status: 'suspended', suspendedReason: 'refused-claims' });
    expect(w.channel.disconnected).toEqual([{ workerId: WORKER, reason: 'suspended: refused claims' }]);
    expect(w.uow.events.filter((e) => e.action === 'worker.suspended')).toEqual([
      expect.objectContaining({
        targetId: WORKER,
        outcome: 'success',
        details: expect.objectContaining({ reason: 'refused-claims', refusedClaims: 3, threshold: 3 }),
      }),
    ]);
    // Suspended, it is not approved: even a leased claim is refused now.
    await leaseTo(w);
    await expect(claim()).rejects.toMatchObject({ code: PersonalisationErrorCode.NotClaimant });
  });

  it('refuses claims over the per-minute limit (counted as suspicious), and takes them again a minute later', async () => {
    const { w, r, claim } = setup();
    await escrowedRequest(w);
    await leaseTo(w);
    for (let i = 0; i < 20; i++) {
      await r.leases.recordClaim(undefined as never, {
        workerId: WORKER,
        requestId: REQUEST,
        outcome: 'accepted',
        suspicious: false,
        at: w.clock.now(),
      });
    }
    await expect(claim()).rejects.toMatchObject({ code: PersonalisationErrorCode.ClaimRateExceeded });
    expect(r.leases.claims.at(-1)).toMatchObject({ outcome: PersonalisationErrorCode.ClaimRateExceeded, suspicious: true });
    w.clock.advance(61_000);
    await leaseTo(w);
    await expect(claim()).resolves.toMatchObject({ requestId: REQUEST, resumed: false });
  });

  it.each([
    ['another card while the request waits for its own', { serial: '99' }, PersonalisationErrorCode.WaitsForAnotherCard],
    ['a card whose CHUID names another identity', { guid: '00000000-0000-4000-8000-0000000000ff' }, PersonalisationErrorCode.CardNotBlank],
  ])('refuses %s, audited as denied, writing nothing', async (_what, card, code) => {
    const { w, r, claim } = setup();
    await escrowedRequest(w);
    await leaseTo(w);
    await claim();
    await leaseTo(w, WORKER, 'serial' in card ? card.serial : SERIAL);
    const before = r.cards.rows.size;
    await expect(claim(card)).rejects.toMatchObject({ code });
    expect(r.cards.rows.size).toBe(before);
    expect(w.uow.committed.at(-1)).toEqual({
      events: [
        expect.objectContaining({
          action: 'personalisation.claim',
          targetId: REQUEST,
          outcome: 'denied',
          details: expect.objectContaining({ workerId: WORKER, reason: code, refusal: code }),
        }),
      ],
      jobs: [],
      refused: expect.objectContaining({ code }),
    });
  });

  it('refuses a card registered for another request and a spoiled one', async () => {
    const { w, r, claim } = setup();
    await escrowedRequest(w);
    r.cards.seed({ id: 'k-other', serial: '77', state: 'issued', requestId: 'another' });
    await leaseTo(w, WORKER, '77');
    await expect(claim({ serial: '77' })).rejects.toMatchObject({ code: PersonalisationErrorCode.CardTaken });
    r.cards.seed({ id: 'k-spoiled', serial: '78', state: 'spoiled', requestId: REQUEST });
    await leaseTo(w, WORKER, '78');
    await expect(claim({ serial: '78' })).rejects.toMatchObject({ code: PersonalisationErrorCode.CardSpoiled });
    expect(r.requests.rows.get(REQUEST)!.state).toBe('awaiting-card');
  });

  it('refuses a request that ended (not a suspicious refusal), and an unapproved worker', async () => {
    const { w, r, claim } = setup();
    await escrowedRequest(w, { state: 'issued' });
    await leaseTo(w);
    await expect(claim()).rejects.toMatchObject({ code: PersonalisationErrorCode.RequestClosed });
    expect(r.leases.claims).toEqual([expect.objectContaining({ outcome: PersonalisationErrorCode.RequestClosed, suspicious: false })]);
    r.workers.seed({ id: 'pending-worker', status: 'pending' });
    await expect(claim({}, 'pending-worker')).rejects.toMatchObject({ code: PersonalisationErrorCode.NotClaimant });
    expect(w.uow.events.map((e) => e.outcome)).toEqual(['denied', 'denied']);
  });
});
