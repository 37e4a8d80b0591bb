import { sha256 } from '@scm/card-secrets';
import { testActor } from '../../platform/testing/test-unit-of-work';
import { PersonalisationErrorCode } from '../../personalisation/personalisation-errors';
import {
  escrowedRequest,
  inStock,
  personalisationWorld,
  REQUEST,
  SERIAL,
  WORKER,
} from '../../personalisation/testing/personalisation-world';
import { StockErrorCode } from '../stock-errors';
import { cardEncrypt, specTransportKey } from '../testing/stock-world';
import { ProveCardCommand } from './prove-card.command';
import { ProveCardHandler } from './prove-card.handler';

function setup() {
  const w = personalisationWorld();
  w.enrol(WORKER);
  const handler = new ProveCardHandler(w.uow, w.repos.requests, w.repos.workers, w.stock.service);
  const prove = (serial: string, witness: Buffer, algorithm = 'aes192') =>
    handler.execute(new ProveCardCommand(REQUEST, WORKER, serial, algorithm, witness, testActor(WORKER, 'card-worker')));
  return { w, prove };
}

describe('ProveCardHandler', () => {
  it("answers the card's witness with its transport key in the HSM and keeps only the hash of the answer the card must give", async () => {
    const { w, prove } = setup();
    await escrowedRequest(w);
    await inStock(w);
    const key = specTransportKey(SERIAL);
    const witness = Buffer.alloc(16, 0x33);
    const r = await prove(SERIAL, cardEncrypt('aes192', key, witness));
    expect(Buffer.from(r.witness, 'base64')).toEqual(witness);
    expect(Object.keys(r).sort()).toEqual(['challenge', 'expiresAt', 'proofId', 'witness']);
    const stored = w.stock.repo.proofs.get(r.proofId)!;
    expect(stored).toMatchObject({ serial: SERIAL, requestId: REQUEST, workerId: WORKER, algorithm: 'aes192', usedAt: null });
    expect(stored.expectedSha256).toEqual(sha256(cardEncrypt('aes192', key, Buffer.from(r.challenge, 'base64'))));
    expect(stored.expiresAt.getTime() - w.clock.now().getTime()).toBe(60_000);
    expect(w.uow.events).toEqual([]);
  });

  it('refuses (audited) a serial in no stock, an algorithm its batch does not use, and a request that is not waiting for a card', async () => {
    const { w, prove } = setup();
    await escrowedRequest(w);
    await inStock(w);
    await expect(prove('31337', Buffer.alloc(16))).rejects.toMatchObject({ code: StockErrorCode.NotInStock });
    await expect(prove(SERIAL, Buffer.alloc(8), '3des')).rejects.toMatchObject({ code: StockErrorCode.CardUnavailable });
    w.repos.requests.rows.set(REQUEST, { ...w.repos.requests.rows.get(REQUEST)!, state: 'cancelled' });
    await expect(prove(SERIAL, Buffer.alloc(16))).rejects.toMatchObject({ code: PersonalisationErrorCode.RequestClosed });
    expect(w.uow.events.map((e) => [e.action, e.targetId, e.outcome, e.details?.refusal])).toEqual([
      ['stock.card-proof', '31337', 'denied', StockErrorCode.NotInStock],
      ['stock.card-proof', SERIAL, 'denied', StockErrorCode.CardUnavailable],
      ['stock.card-proof', SERIAL, 'denied', PersonalisationErrorCode.RequestClosed],
    ]);
    expect(w.stock.repo.proofs.size).toBe(0);
  });
});
