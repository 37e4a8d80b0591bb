import { testActor } from '../../../platform/testing/test-unit-of-work';
import { PersonalisationErrorCode } from '../../personalisation-errors';
import { claimedRequest, personalisationWorld, REQUEST, WORKER } from '../../testing/personalisation-world';
import { ConfirmManagementKeyCommand } from './confirm-management-key.command';
import { ConfirmManagementKeyHandler } from './confirm-management-key.handler';

function setup() {
  const w = personalisationWorld();
  const handler = new ConfirmManagementKeyHandler(w.uow, w.attempts, w.repos.attempts);
  const run = () => handler.execute(new ConfirmManagementKeyCommand(REQUEST, WORKER, testActor(WORKER, 'card-worker')));
  return { w, run };
}

describe('ConfirmManagementKeyHandler', () => {
  it('records once that the card holds its diversified key', async () => {
    const { w, run } = setup();
    const { card } = await claimedRequest(w);
    expect(await run()).toEqual({ managementKey: 'diversified' });
    expect(await run()).toEqual({ managementKey: 'diversified' });
    expect(w.repos.attempts.rows.get(REQUEST)?.managementKey).toBe('diversified');
    expect(w.uow.events).toEqual([
      expect.objectContaining({
        action: 'card.management-key-set',
        targetId: card.id,
        details: expect.objectContaining({ diversified: true }),
      }),
    ]);
  });

  it('refuses once the request is no longer being personalised', async () => {
    const { w, run } = setup();
    await claimedRequest(w);
    w.repos.requests.rows.set(REQUEST, { ...w.repos.requests.rows.get(REQUEST)!, state: 'issued' });
    await expect(run()).rejects.toMatchObject({ code: PersonalisationErrorCode.NotClaimant, meta: { state: 'issued' } });
    expect(w.repos.attempts.rows.get(REQUEST)?.managementKey).toBe('transport');
  });
});
