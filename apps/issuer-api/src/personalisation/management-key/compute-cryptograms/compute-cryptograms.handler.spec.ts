import { testActor } from '../../../platform/testing/test-unit-of-work';
import { PersonalisationErrorCode } from '../../personalisation-errors';
import { claimedRequest, OTHER_WORKER, personalisationWorld, REQUEST, SERIAL, WORKER } from '../../testing/personalisation-world';
import { ComputeCryptogramsCommand } from './compute-cryptograms.command';
import { ComputeCryptogramsHandler } from './compute-cryptograms.handler';

function setup() {
  const w = personalisationWorld();
  const asked: unknown[][] = [];
  const secrets = Object.assign(Object.create(w.secrets) as typeof w.secrets, {
    cryptograms: async (...args: unknown[]) => {
      asked.push(args);
      return w.secrets.cryptograms();
    },
  });
  const handler = new ComputeCryptogramsHandler(w.uow, w.attempts, w.repos.vscs, secrets, w.stock.service);
  const run = (witness: Buffer, workerId = WORKER) =>
    handler.execute(new ComputeCryptogramsCommand(REQUEST, workerId, witness, testActor(workerId, 'card-worker')));
  return { w, asked, run };
}

describe('ComputeCryptogramsHandler', () => {
  it("asks the HSM for the cryptograms of the card's diversified key (serial and VSC GUID), nothing audited", async () => {
    const { w, asked, run } = setup();
    const { vscId } = await claimedRequest(w);
    const r = await run(Buffer.alloc(16, 9));
    expect(r).toEqual({
      witness: Buffer.alloc(16, 1).toString('base64'),
      challenge: Buffer.alloc(16, 2).toString('base64'),
      expected: Buffer.alloc(16, 3).toString('base64'),
    });
    expect(asked).toEqual([[{ serial: SERIAL, guid: vscId }, 'aes256', Buffer.alloc(16, 9)]]);
    expect(w.uow.events).toEqual([]);
  });

  it('refuses a witness of the wrong size, and a worker that did not claim the card (audited)', async () => {
    const { w, asked, run } = setup();
    await claimedRequest(w);
    await expect(run(Buffer.alloc(8))).rejects.toMatchObject({ code: PersonalisationErrorCode.Invalid });
    await expect(run(Buffer.alloc(16), OTHER_WORKER)).rejects.toMatchObject({ code: PersonalisationErrorCode.NotClaimant });
    expect(asked).toEqual([]);
    expect(w.uow.events).toEqual([
      expect.objectContaining({
        action: 'card.management-key-authentication',
        outcome: 'denied',
        details: { workerId: OTHER_WORKER, reason: PersonalisationErrorCode.NotClaimant, refusal: PersonalisationErrorCode.NotClaimant },
      }),
    ]);
  });
});
