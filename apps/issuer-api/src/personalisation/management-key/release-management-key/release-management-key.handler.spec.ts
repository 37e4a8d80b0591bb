import { unwrapAsWorker } from '@scm/personalisation';
import { testActor } from '../../../platform/testing/test-unit-of-work';
import { PersonalisationErrorCode } from '../../personalisation-errors';
import { claimedRequest, personalisationWorld, REQUEST, SERIAL, WORKER } from '../../testing/personalisation-world';
import { ReleaseManagementKeyCommand } from './release-management-key.command';
import { ReleaseManagementKeyHandler } from './release-management-key.handler';

function setup() {
  const w = personalisationWorld();
  const handler = new ReleaseManagementKeyHandler(w.uow, w.attempts, w.repos.vscs, w.repos.workers, w.secrets, w.packages);
  const run = () => handler.execute(new ReleaseManagementKeyCommand(REQUEST, WORKER, testActor(WORKER, 'card-worker')));
  return { w, run };
}

describe('ReleaseManagementKeyHandler', () => {
  it('wraps the diversified key for the claiming worker, audits the release and wipes the key', async () => {
    const { w, run } = setup();
    const { card, vscId } = await claimedRequest(w);
    const wrapped = await run();
    expect(wrapped.header).toMatchObject({ requestId: REQUEST, workerId: WORKER, vscId, vscVersion: 1 });
    const m = unwrapAsWorker(wrapped, w.kex.privateKey, w.expecting('management-key'));
    expect(m.managementKey?.key).toEqual(Buffer.alloc(32, 0x6b));
    expect(w.secrets.exported[0]).toEqual(Buffer.alloc(32, 0));
    expect(w.uow.events).toEqual([
      expect.objectContaining({
        action: 'card.management-key-released',
        targetId: card.id,
        outcome: 'success',
        details: { requestId: REQUEST, workerId: WORKER, serial: SERIAL, algorithm: 'aes256' },
      }),
    ]);
  });

  it('refuses a worker that is no longer approved, and releases nothing', async () => {
    const { w, run } = setup();
    await claimedRequest(w);
    w.repos.workers.workers.set(WORKER, { ...w.repos.workers.workers.get(WORKER)!, status: 'revoked' });
    await expect(run()).rejects.toMatchObject({ code: PersonalisationErrorCode.NotClaimant });
    expect(w.secrets.exported).toEqual([]);
  });
});
