import { unwrapAsWorker } from '@scm/personalisation';
import { testActor } from '../../../platform/testing/test-unit-of-work';
import { PersonalisationErrorCode } from '../../personalisation-errors';
import { issuedCard, SESSION } from '../../testing/activation-world';
import { OTHER_WORKER, personalisationWorld, REQUEST, WORKER } from '../../testing/personalisation-world';
import { ReleasePukCommand } from './release-puk.command';
import { ReleasePukHandler } from './release-puk.handler';

function setup() {
  const w = personalisationWorld();
  const r = w.repos;
  const handler = new ReleasePukHandler(w.uow, w.activation, r.sessions, r.workers, r.credentials, r.vscs, w.secrets, w.packages);
  const release = (workerId = WORKER, workstation = 0) =>
    handler.execute(new ReleasePukCommand(SESSION, { id: workerId, workstation }, testActor(workerId, 'card-worker')));
  return { w, release };
}

describe('ReleasePukHandler', () => {
  it('wraps the PUK for the worker at the workstation, which from then on alone serves the session', async () => {
    const { w, release } = setup();
    const { card, vscId } = await issuedCard(w);
    const wrapped = await release();
    expect(wrapped.header).toMatchObject({ requestId: REQUEST, workerId: WORKER, vscId, vscVersion: 1 });
    expect(unwrapAsWorker(wrapped, w.kex.privateKey, w.expecting('activation-puk', { cardSerial: card.serial! })).puk?.toString()).toBe(
      '12345678',
    );
    expect(w.repos.sessions.rows.get(SESSION)?.workerId).toBe(WORKER);
    expect(w.uow.events).toEqual([
      expect.objectContaining({ action: 'card.puk-released', targetId: card.id, details: { sessionId: SESSION, workerId: WORKER } }),
    ]);
    w.enrol(OTHER_WORKER);
    await expect(release(OTHER_WORKER)).rejects.toMatchObject({ code: PersonalisationErrorCode.NotClaimant });
    expect(w.uow.events.at(-1)).toMatchObject({
      action: 'card.puk-released',
      outcome: 'denied',
      details: { sessionId: SESSION, workerId: OTHER_WORKER, reason: PersonalisationErrorCode.NotClaimant },
    });
  });

  it('refuses a worker of another workstation, and a card without its sealed PUK', async () => {
    const { w, release } = setup();
    const { card } = await issuedCard(w);
    await expect(release(WORKER, 1)).rejects.toMatchObject({ code: PersonalisationErrorCode.NoActivationSession });
    w.repos.credentials.rows.delete(card.id);
    await expect(release()).rejects.toMatchObject({ code: PersonalisationErrorCode.NotReady });
    expect(w.repos.sessions.rows.get(SESSION)?.workerId).toBeNull();
  });
});
