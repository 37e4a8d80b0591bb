import { TestUnitOfWork, testActor } from '../../platform/testing/test-unit-of-work';
import { CardUpdateErrorCode as E } from '../card-update-errors';
import { CardUpdateQueue } from '../card-update-queue.service';
import { InMemoryCardUpdateRepository } from '../in-memory-card-update.repository';
import { CancelCardUpdateCommand } from './cancel-card-update.command';
import { CancelCardUpdateHandler } from './cancel-card-update.handler';

describe('CancelCardUpdateHandler', () => {
  async function setup() {
    const uow = new TestUnitOfWork();
    const updates = new InMemoryCardUpdateRepository();
    const u = await uow.run(testActor(), (tx) =>
      new CardUpdateQueue(updates).queue(tx, {
        cardId: '00000000-0000-4000-8000-00000000c001',
        kind: 'renew',
        origin: 'officer',
        state: 'pending',
        reason: 'r',
      }),
    );
    const handler = new CancelCardUpdateHandler(uow, updates);
    return { uow, updates, u, cancel: () => handler.execute(new CancelCardUpdateCommand(u.id, 'queued by mistake', testActor())) };
  }

  it('cancels an update that never started', async () => {
    const { updates, u, cancel, uow } = await setup();
    expect(await cancel()).toMatchObject({ state: 'cancelled', failure: 'cancelled: queued by mistake' });
    expect(updates.rows.get(u.id)?.state).toBe('cancelled');
    expect(uow.events.at(-1)).toMatchObject({ action: 'card-update.cancelled', outcome: 'success' });
  });

  it('refuses one that started on the card (it finishes at the next insertion), and one already ended', async () => {
    const started = await setup();
    started.updates.rows.set(started.u.id, { ...started.u, state: 'pending', attempt: 1 });
    await expect(started.cancel()).rejects.toMatchObject({ code: E.WrongState });
    const ended = await setup();
    ended.updates.rows.set(ended.u.id, { ...ended.u, state: 'done' });
    await expect(ended.cancel()).rejects.toMatchObject({ code: E.WrongState });
    expect(started.uow.events.at(-1)).toMatchObject({ action: 'card-update.cancelled', outcome: 'denied' });
  });
});
