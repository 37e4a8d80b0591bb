import { PersonalisationErrorCode } from '../personalisation-errors';
import { testActor } from '../../platform/testing/test-unit-of-work';
import { StockErrorCode } from '../../stock/stock-errors';
import {
  ATR,
  cardJobDone,
  cardProof,
  inStock,
  escrowedRequest,
  OTHER_WORKER,
  personalisationWorld,
  REQUEST,
  SERIAL,
  WORKER,
} from '../testing/personalisation-world';
import { CardBindingService } from './card-binding.service';
import { ClaimCardCommand } from './claim-card.command';
import { ClaimCardHandler } from './claim-card.handler';

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
    r.outbox,
    w.attempts,
    binding,
    w.stock.service,
  );
  w.enrol(WORKER);
  w.enrol(OTHER_WORKER, 1);
  /** Claims as a worker whose card proved its transport key (unless `proof` says otherwise). */
  const claim = async (
    card: { serial?: string; guid?: string } = {},
    workerId = WORKER,
    proof?: { proofId: string; response: Buffer } | null,
  ) => {
    const serial = card.serial ?? SERIAL;
    const p = proof === undefined ? await cardProof(w, serial, { workerId }).catch(() => undefined) : (proof ?? undefined);
    return handler.execute(
      new ClaimCardCommand(REQUEST, workerId, { serial: SERIAL, atr: ATR, ...card }, testActor(workerId, 'card-worker'), p),
    );
  };
  return { w, r, claim };
}

describe('ClaimCardHandler', () => {
  it('binds a blank card: registers it, records the binding on request and VSC, seals its PUK, starts attempt 1', async () => {
    const { w, r, claim } = setup();
    const { vscId } = await escrowedRequest(w);
    await inStock(w);
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
    expect(card).toMatchObject({
      serial: SERIAL,
      state: 'personalising',
      requestId: REQUEST,
      vscId,
      atr: Buffer.from(ATR, 'hex'),
      stockBatch: 'spec-stock',
    });
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

  it('resumes on the bound card: the next attempt keeps the management key, lists the steps done, and audits a takeover', async () => {
    const { w, r, claim } = setup();
    await escrowedRequest(w);
    await inStock(w);
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
    const again = await claim({}, OTHER_WORKER);
    expect(again).toMatchObject({
      cardId: first.cardId,
      attempt: 2,
      resumed: true,
      managementKey: 'diversified',
      stepsDone: ['claim', 'key-material'],
    });
    expect(r.requests.rows.get(REQUEST)).toMatchObject({ workerId: OTHER_WORKER, cardId: first.cardId });
    expect(w.uow.events.filter((e) => e.action === 'personalisation.taken-over')).toEqual([
      expect.objectContaining({ details: { from: WORKER, to: OTHER_WORKER, serial: SERIAL } }),
    ]);
    expect(r.credentials.rows.size).toBe(1);
  });

  it.each([
    ['another card while the request waits for its own', { serial: '99' }, PersonalisationErrorCode.WaitsForAnotherCard],
    ['a card whose CHUID names another identity', { guid: '00000000-0000-4000-8000-0000000000ff' }, PersonalisationErrorCode.CardNotBlank],
  ])('refuses %s, audited as denied, writing nothing', async (_what, card, code) => {
    const { w, r, claim } = setup();
    await escrowedRequest(w);
    await inStock(w, [SERIAL, '99']);
    await claim();
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
    await inStock(w, ['77', '78']);
    r.cards.seed({ id: 'k-other', serial: '77', state: 'issued', requestId: 'another' });
    await expect(claim({ serial: '77' })).rejects.toMatchObject({ code: PersonalisationErrorCode.CardTaken });
    r.cards.seed({ id: 'k-spoiled', serial: '78', state: 'spoiled', requestId: REQUEST });
    await expect(claim({ serial: '78' })).rejects.toMatchObject({ code: PersonalisationErrorCode.CardSpoiled });
    expect(r.requests.rows.get(REQUEST)!.state).toBe('awaiting-card');
  });

  it('settles the card job of a request that ended, and refuses an unapproved worker', async () => {
    const { w, r, claim } = setup();
    await escrowedRequest(w, { state: 'issued' });
    await expect(claim()).rejects.toMatchObject({ code: PersonalisationErrorCode.RequestClosed });
    expect(cardJobDone(w)).toBe(true);
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
      await inStock(w);
      await expect(claim({ serial: '4242' }, WORKER, null)).rejects.toMatchObject({
        code: StockErrorCode.NotInStock,
        message: expect.stringContaining('scm stock import'),
      });
      denied(w, StockErrorCode.NotInStock);
      expect(r.cards.rows.size).toBe(0);
      expect(r.requests.rows.get(REQUEST)!.state).toBe('awaiting-card');
    });

    it('refuses a stock card without a proof, with a wrong answer, with a used or expired proof, or a proof of another worker', async () => {
      const { w, r, claim } = setup();
      await escrowedRequest(w);
      await inStock(w);
      const wrongKey = await cardProof(w, SERIAL, { key: Buffer.alloc(24, 7) });
      const otherWorkers = await cardProof(w, SERIAL, { workerId: OTHER_WORKER });
      const late = await cardProof(w, SERIAL);
      for (const proof of [null, wrongKey, otherWorkers, { ...wrongKey, response: Buffer.alloc(16) }]) {
        await expect(claim({}, WORKER, proof)).rejects.toMatchObject({ code: StockErrorCode.ProofFailed });
        denied(w, StockErrorCode.ProofFailed);
      }
      w.clock.advance(61_000);
      await expect(claim({}, WORKER, late)).rejects.toMatchObject({
        code: StockErrorCode.ProofFailed,
        meta: { why: 'the challenge expired' },
      });
      expect(r.cards.rows.size).toBe(0);
      // The right answer, in time, binds the card.
      await expect(claim()).resolves.toMatchObject({ serial: SERIAL, resumed: false });
    });

    it('lets the claimant resume on its bound card, but another worker takes the request over only with a proof', async () => {
      const { w, r, claim } = setup();
      await escrowedRequest(w);
      await inStock(w);
      await claim();
      await expect(claim({}, WORKER, null)).resolves.toMatchObject({ resumed: true, attempt: 2 });
      await expect(claim({}, OTHER_WORKER, null)).rejects.toMatchObject({ code: StockErrorCode.ProofFailed });
      denied(w, StockErrorCode.ProofFailed);
      expect(r.requests.rows.get(REQUEST)!.workerId).toBe(WORKER);
      await expect(claim({}, OTHER_WORKER)).resolves.toMatchObject({ resumed: true, attempt: 3 });
      expect(r.requests.rows.get(REQUEST)!.workerId).toBe(OTHER_WORKER);
    });

    it('refuses the factory-default development batch outside development mode, and takes unknown cards into it only in development mode', async () => {
      const { w, claim } = setup();
      await escrowedRequest(w);
      await expect(cardProof(w, '5150')).rejects.toMatchObject({ code: StockErrorCode.NotInStock });
      w.stock.cfg.SCM_DEV_STOCK = true;
      const proof = await cardProof(w, '5150', { key: Buffer.from('010203040506070801020304050607080102030405060708', 'hex') });
      expect((await w.stock.repo.developmentBatch())!.name).toBe('factory-default');
      w.stock.cfg.SCM_DEV_STOCK = false;
      await expect(claim({ serial: '5150' }, WORKER, proof)).rejects.toMatchObject({ code: StockErrorCode.DevelopmentStockDisabled });
      denied(w, StockErrorCode.DevelopmentStockDisabled);
      w.stock.cfg.SCM_DEV_STOCK = true;
      await expect(claim({ serial: '5150' }, WORKER, proof)).resolves.toMatchObject({ transportBatch: 'factory-default' });
    });
  });
});
