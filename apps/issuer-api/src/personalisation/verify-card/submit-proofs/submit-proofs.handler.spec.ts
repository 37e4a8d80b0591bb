import { testActor } from '../../../platform/testing/test-unit-of-work';
import { PersonalisationErrorCode } from '../../personalisation-errors';
import { certifyOnCard, importedKeys, prove } from '../../testing/card-keys';
import { claimedRequest, personalisationWorld, REQUEST, SERIAL, WORKER } from '../../testing/personalisation-world';
import { BeginVerificationCommand } from '../begin-verification/begin-verification.command';
import { BeginVerificationHandler } from '../begin-verification/begin-verification.handler';
import { SubmitProofsCommand } from './submit-proofs.command';
import { SubmitProofsHandler } from './submit-proofs.handler';

async function setup() {
  const w = personalisationWorld();
  const begin = new BeginVerificationHandler(w.uow, w.states, w.attempts, w.verification);
  const handler = new SubmitProofsHandler(w.uow, w.states, w.lifecycle, w.attempts, w.outcomes, w.verification);
  const { card, vscId } = await claimedRequest(w);
  const keys = await importedKeys(w, vscId, ['9d', '9e']);
  keys.set('9a', await certifyOnCard(w, vscId, '9a'));
  const challenge = await begin.execute(new BeginVerificationCommand(REQUEST, WORKER, testActor(WORKER, 'card-worker')));
  w.uow.committed.length = 0;
  const submit = (proofs: ReturnType<typeof prove>) =>
    handler.execute(new SubmitProofsCommand(REQUEST, WORKER, proofs, testActor(WORKER, 'card-worker')));
  return { w, card, keys, challenge, submit };
}

describe('SubmitProofsHandler', () => {
  it('checks every key against its certificate: request and card issued, the challenge spent, the card job done', async () => {
    const { w, card, keys, challenge, submit } = await setup();
    expect(await submit(prove(challenge, keys))).toEqual({ state: 'issued', cardId: card.id, serial: SERIAL });
    expect(w.repos.requests.rows.get(REQUEST)!.state).toBe('issued');
    expect(w.repos.cards.rows.get(card.id)!.state).toBe('issued');
    expect(w.repos.attempts.rows.get(REQUEST)).toMatchObject({ proofNonce: null, decryptCheck: null });
    expect(w.repos.attempts.steps.at(-1)).toMatchObject({ step: 'issued', outcome: 'done' });
    expect(w.uow.events.map((e) => e.action)).toEqual(['issuance-request.issued', 'card.issued']);
    expect(w.uow.events[0].details).toMatchObject({ proved: ['9a', '9d', '9e'], attempt: 1 });
  });

  it('a signature by another key fails the request: its card spoiled, its certificates revoked, the step logged as failed', async () => {
    const { w, card, keys, challenge, submit } = await setup();
    keys.set('9e', keys.get('9a')!);
    const err = await submit(prove(challenge, keys)).catch((e: unknown) => e);
    expect(err).toMatchObject({
      code: PersonalisationErrorCode.ProofFailed,
      meta: { problems: ["slot 9e: the card's signature does not verify against its certificate"] },
    });
    expect(w.repos.requests.rows.get(REQUEST)).toMatchObject({
      state: 'failed',
      failure: expect.stringMatching(/^verification failed: slot 9e/),
    });
    expect(w.repos.cards.rows.get(card.id)!.state).toBe('spoiled');
    expect(w.statuses.applied.map((a) => a.change)).toEqual([
      { action: 'revoke', reason: 'cessationOfOperation' },
      { action: 'revoke', reason: 'cessationOfOperation' },
      { action: 'revoke', reason: 'cessationOfOperation' },
    ]);
    expect(w.repos.attempts.steps.at(-1)).toMatchObject({ step: 'issued', outcome: 'failed' });
    expect(w.uow.committed.at(-1)?.refused).toBe(err);
  });

  it('refuses proofs before the verification began', async () => {
    const w = personalisationWorld();
    await claimedRequest(w, { state: 'verifying' });
    const handler = new SubmitProofsHandler(w.uow, w.states, w.lifecycle, w.attempts, w.outcomes, w.verification);
    await expect(
      handler.execute(new SubmitProofsCommand(REQUEST, WORKER, { signatures: [] }, testActor(WORKER, 'card-worker'))),
    ).rejects.toMatchObject({ code: PersonalisationErrorCode.NotReady });
  });
});
