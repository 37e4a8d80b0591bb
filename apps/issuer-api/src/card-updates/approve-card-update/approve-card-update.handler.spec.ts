import { TestUnitOfWork, testActor } from '../../platform/testing/test-unit-of-work';
import { CardUpdateErrorCode as E } from '../card-update-errors';
import { CardUpdateQueue } from '../card-update-queue.service';
import { InMemoryCardUpdateRepository } from '../in-memory-card-update.repository';
import { ApproveCardUpdateCommand } from './approve-card-update.command';
import { ApproveCardUpdateHandler } from './approve-card-update.handler';

const OTHER = '00000000-0000-4000-8000-0000000000b2';

describe('ApproveCardUpdateHandler', () => {
  async function setup(state: 'awaiting-approval' | 'pending') {
    const uow = new TestUnitOfWork();
    const updates = new InMemoryCardUpdateRepository();
    const u = await uow.run(testActor(), (tx) =>
      new CardUpdateQueue(updates).queue(tx, {
        cardId: '00000000-0000-4000-8000-00000000c001',
        kind: 'renew',
        origin: 'expiry',
        state,
        reason: 'ends soon',
      }),
    );
    const handler = new ApproveCardUpdateHandler(uow, updates);
    return { uow, updates, u, approve: (who = testActor(OTHER)) => handler.execute(new ApproveCardUpdateCommand(u.id, who)) };
  }

  it('a renewal awaiting approval becomes pending, naming its approver', async () => {
    const { updates, u, approve, uow } = await setup('awaiting-approval');
    expect(await approve()).toMatchObject({ state: 'pending', approvedBy: `user:${OTHER}` });
    expect(updates.rows.get(u.id)).toMatchObject({ state: 'pending', approvedBy: `user:${OTHER}` });
    expect(uow.events.at(-1)).toMatchObject({ action: 'card-update.approved', outcome: 'success' });
  });

  it('refuses the officer who asked, and an update not awaiting approval', async () => {
    await expect((await setup('awaiting-approval')).approve(testActor())).rejects.toMatchObject({ code: E.SelfApproval });
    await expect((await setup('pending')).approve()).rejects.toMatchObject({ code: E.WrongState });
  });
});
