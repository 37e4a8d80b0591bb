import { sha256 } from '@scm/card-secrets';
import { testActor } from '../../platform/testing/test-unit-of-work';
import { PersonalisationErrorCode } from '../personalisation-errors';
import { claimedRequest, OTHER_WORKER, personalisationWorld, REQUEST, SERIAL } from '../testing/personalisation-world';
import { ProveBoundCardCommand } from './prove-bound-card.command';
import { ProveBoundCardHandler } from './prove-bound-card.handler';

function setup() {
  const w = personalisationWorld();
  const r = w.repos;
  const handler = new ProveBoundCardHandler(w.uow, r.requests, r.cards, r.vscs, r.workers, w.secrets, w.stock.service);
  const prove = (serial = SERIAL, algorithm = 'aes256', witness = Buffer.alloc(16, 9)) =>
    handler.execute(new ProveBoundCardCommand(REQUEST, OTHER_WORKER, serial, algorithm, witness, testActor(OTHER_WORKER, 'card-worker')));
  return { w, prove };
}

describe('ProveBoundCardHandler', () => {
  it("challenges the bound card's diversified key in the HSM and keeps only the hash of the answer, for the worker that asks", async () => {
    const { w, prove } = setup();
    await claimedRequest(w);
    w.enrol(OTHER_WORKER, 1);
    const r = await prove();
    expect(r).toMatchObject({ witness: Buffer.alloc(16, 1).toString('base64'), challenge: Buffer.alloc(16, 2).toString('base64') });
    expect(w.stock.repo.proofs.get(r.proofId)).toMatchObject({
      serial: SERIAL,
      requestId: REQUEST,
      workerId: OTHER_WORKER,
      algorithm: 'aes256',
      expectedSha256: sha256(Buffer.alloc(16, 3)),
    });
    expect(w.uow.events).toEqual([]);
  });

  it('refuses (audited) another card than the bound one and an unapproved worker; a witness of another algorithm is invalid', async () => {
    const { w, prove } = setup();
    await claimedRequest(w);
    await expect(prove()).rejects.toMatchObject({ code: PersonalisationErrorCode.NotClaimant });
    w.enrol(OTHER_WORKER, 1);
    await expect(prove('4242')).rejects.toMatchObject({ code: PersonalisationErrorCode.WaitsForAnotherCard });
    await expect(prove(SERIAL, '3des', Buffer.alloc(8))).rejects.toMatchObject({ code: PersonalisationErrorCode.Invalid });
    expect(w.uow.events.map((e) => [e.action, e.outcome, e.details?.refusal])).toEqual([
      ['personalisation.card-proof', 'denied', PersonalisationErrorCode.NotClaimant],
      ['personalisation.card-proof', 'denied', PersonalisationErrorCode.WaitsForAnotherCard],
    ]);
    expect(w.stock.repo.proofs.size).toBe(0);
  });
});
