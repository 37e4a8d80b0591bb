import { testActor } from '../../../platform/testing/test-unit-of-work';
import { PersonalisationErrorCode } from '../../personalisation-errors';
import { claimedRequest, personalisationWorld, REQUEST, WORKER } from '../../testing/personalisation-world';
import { proofMessage } from '../proof';
import { certifyOnCard } from '../../testing/card-keys';
import { BeginVerificationCommand } from './begin-verification.command';
import { BeginVerificationHandler } from './begin-verification.handler';

function setup() {
  const w = personalisationWorld();
  const handler = new BeginVerificationHandler(w.uow, w.states, w.attempts, w.verification);
  const begin = () => handler.execute(new BeginVerificationCommand(REQUEST, WORKER, testActor(WORKER, 'card-worker')));
  return { w, begin };
}

describe('BeginVerificationHandler', () => {
  it('moves the request to verifying and hands out a fresh nonce per slot and a key-management test', async () => {
    const { w, begin } = setup();
    const { card, vscId } = await claimedRequest(w);
    await certifyOnCard(w, vscId, '9a');
    const ch = await begin();
    const nonce = Buffer.from(ch.nonce, 'base64');
    expect(nonce).toHaveLength(32);
    expect(ch.slots.map((s) => [s.slot, s.algorithm])).toEqual([
      ['9a', 'p256'],
      ['9d', 'p256'],
      ['9e', 'p256'],
    ]);
    expect(ch.slots[0].message).toBe(proofMessage(REQUEST, card.id, '9a', nonce).toString('base64'));
    expect(ch.keyManagement).toMatchObject({ slot: '9d', kind: 'ecdh' });
    expect(w.repos.requests.rows.get(REQUEST)!.state).toBe('verifying');
    const attempt = w.repos.attempts.rows.get(REQUEST)!;
    expect(attempt.proofNonce).toEqual(nonce);
    expect(attempt.decryptCheck).toHaveLength(32);
    expect(w.uow.events.map((e) => e.action)).toEqual(['issuance-request.verifying']);
    expect((await begin()).nonce).not.toBe(ch.nonce);
  });

  it('is not ready while a slot has no valid certificate (the request stays verifying)', async () => {
    const { w, begin } = setup();
    await claimedRequest(w);
    await expect(begin()).rejects.toMatchObject({ code: PersonalisationErrorCode.NotReady, meta: { slot: '9a' } });
    expect(w.repos.requests.rows.get(REQUEST)!.state).toBe('verifying');
    expect(w.repos.attempts.rows.get(REQUEST)!.proofNonce).toBeNull();
  });
});
