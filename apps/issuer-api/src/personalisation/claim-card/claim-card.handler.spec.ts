import { PersonalisationErrorCode } from '../personalisation-errors';
import { testActor } from '../../platform/testing/test-unit-of-work';
import { StockErrorCode } from '../../stock/stock-errors';
import {
  ATR,
  cardProof,
  escrowedRequest,
  inStock,
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
    w.stock.service,
  );
  // The serials the spec's cards use are registered stock (batch "spec-stock").
  const stocked = inStock(
    w,
    [SERIAL, '424242', '77', '78', '99', '4242', '5150'].filter((x) => x !== '4242' && x !== '5150'),
  );
  w.enrol(WORKER);
  w.enrol(OTHER_WORKER, 1);
  /** Claims as a worker whose card proved its transport key (unless `proof` says otherwise: null, none). */
  const claim = async (
    card: { serial?: string; guid?: string } = {},
    workerId = WORKER,
    workstation?: number,
    proof?: { proofId: string; response: Buffer } | null,
  ) => {
    await stocked;
    const serial = card.serial ?? SERIAL;
    const p = proof === undefined ? await cardProof(w, serial, { workerId }).catch(() => undefined) : (proof ?? undefined);
    return handler.execute(
      new ClaimCardCommand(
        REQUEST,
        workerId,
        workstation ?? (workerId === OTHER_WORKER ? 1 : 0),
        { serial: SERIAL, atr: ATR, ...card },
        testActor(workerId, 'card-worker'),
        p,
      ),
    );
  };
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
      transportBatch: 'spec-stock',
      transportAlgorithm: 'aes192',
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

  it('resumes a request its own claimant left in verifying: back to personalising on a new attempt, so the steps are served again', async () => {
    const { w, r, claim } = setup();
    await escrowedRequest(w);
    await leaseTo(w);
    const first = await claim();
    r.requests.rows.set(REQUEST, { ...r.requests.rows.get(REQUEST)!, state: 'verifying' });
    await leaseTo(w);
    const again = await claim();
    expect(again).toMatchObject({ cardId: first.cardId, attempt: 2, resumed: true, state: 'personalising' });
    expect(r.requests.rows.get(REQUEST)).toMatchObject({ state: 'personalising', workerId: WORKER });
    const moves = w.uow.events.filter(
      (e) => e.action === 'issuance-request.awaiting-card' || e.action === 'issuance-request.personalising',
    );
    expect(moves.slice(-2).map((e) => [e.action, (e.details as { from?: string }).from])).toEqual([
      ['issuance-request.awaiting-card', 'verifying'],
      ['issuance-request.personalising', 'awaiting-card'],
    ]);
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
  describe('trusts the card, not the workstation', () => {
    const denied = (w: ReturnType<typeof setup>['w'], code: string) =>
      expect(w.uow.committed.at(-1)).toEqual({
        events: [
          expect.objectContaining({
            action: 'personalisation.claim',
            targetId: REQUEST,
            outcome: 'denied',
            details: expect.objectContaining({ serial: expect.any(String), refusal: code }),
          }),
        ],
        jobs: [],
        refused: expect.objectContaining({ code }),
      });

    it('refuses a card in no stock batch (an invented serial), audited, binding nothing', async () => {
      const { w, r, claim } = setup();
      await escrowedRequest(w);
      await leaseTo(w, WORKER, '4242');
      await expect(claim({ serial: '4242' }, WORKER, undefined, null)).rejects.toMatchObject({
        code: StockErrorCode.NotInStock,
        message: expect.stringContaining('scm stock import'),
      });
      denied(w, StockErrorCode.NotInStock);
      expect(r.cards.rows.size).toBe(0);
      expect(r.requests.rows.get(REQUEST)!.state).toBe('awaiting-card');
    });

    it('refuses a stock card without a proof, with a wrong answer, with a used or expired proof, or a proof of another worker', async () => {
      const { w, r, claim } = setup();
      w.cfg.SCM_WORKER_SUSPEND_AFTER_REFUSED_CLAIMS = 100; // the refusals themselves; the next spec counts them
      await escrowedRequest(w);
      await leaseTo(w);
      const wrongKey = await cardProof(w, SERIAL, { key: Buffer.alloc(24, 7) });
      const otherWorkers = await cardProof(w, SERIAL, { workerId: OTHER_WORKER });
      const late = await cardProof(w, SERIAL);
      for (const proof of [null, wrongKey, otherWorkers, { ...wrongKey, response: Buffer.alloc(16) }]) {
        await expect(claim({}, WORKER, undefined, proof)).rejects.toMatchObject({ code: StockErrorCode.ProofFailed });
        denied(w, StockErrorCode.ProofFailed);
      }
      w.clock.advance(61_000);
      await leaseTo(w);
      await expect(claim({}, WORKER, undefined, late)).rejects.toMatchObject({
        code: StockErrorCode.ProofFailed,
        meta: { why: 'the challenge expired' },
      });
      expect(r.cards.rows.size).toBe(0);
      // The right answer, in time, binds the card.
      await leaseTo(w);
      await expect(claim()).resolves.toMatchObject({ serial: SERIAL, resumed: false });
    });

    it('suspends a worker that claims cards it cannot prove (wrong answers, no proof, a card outside the stock), alarm audited', async () => {
      const { w, r, claim } = setup();
      await escrowedRequest(w);
      await leaseTo(w);
      const wrongKey = await cardProof(w, SERIAL, { key: Buffer.alloc(24, 7) });
      await expect(claim({}, WORKER, undefined, wrongKey)).rejects.toMatchObject({ code: StockErrorCode.ProofFailed });
      await expect(claim({}, WORKER, undefined, null)).rejects.toMatchObject({ code: StockErrorCode.ProofFailed });
      expect(r.workers.workers.get(WORKER)).toMatchObject({ status: 'approved' });
      await leaseTo(w, WORKER, '987654321');
      await expect(claim({ serial: '987654321' }, WORKER, undefined, null)).rejects.toMatchObject({ code: StockErrorCode.NotInStock });
      expect(r.workers.workers.get(WORKER)).toMatchObject({ status: 'suspended', suspendedReason: 'refused-claims' });
      expect(w.uow.events.filter((e) => e.action === 'worker.suspended')).toEqual([
        expect.objectContaining({
          targetId: WORKER,
          details: expect.objectContaining({ reason: 'refused-claims', refusedClaims: 3, last: StockErrorCode.NotInStock }),
        }),
      ]);
    });

    it('refuses the factory-default development batch outside development mode, and takes unknown cards into it only in development mode', async () => {
      const { w, claim } = setup();
      await escrowedRequest(w);
      await leaseTo(w, WORKER, '5150');
      await expect(cardProof(w, '5150')).rejects.toMatchObject({ code: StockErrorCode.NotInStock });
      w.stock.cfg.SCM_DEV_STOCK = true;
      const proof = await cardProof(w, '5150', { key: Buffer.from('010203040506070801020304050607080102030405060708', 'hex') });
      expect((await w.stock.repo.developmentBatch())!.name).toBe('factory-default');
      w.stock.cfg.SCM_DEV_STOCK = false;
      await expect(claim({ serial: '5150' }, WORKER, undefined, proof)).rejects.toMatchObject({
        code: StockErrorCode.DevelopmentStockDisabled,
      });
      denied(w, StockErrorCode.DevelopmentStockDisabled);
      w.stock.cfg.SCM_DEV_STOCK = true;
      await expect(claim({ serial: '5150' }, WORKER, undefined, proof)).resolves.toMatchObject({ transportBatch: 'factory-default' });
    });
  });
});
