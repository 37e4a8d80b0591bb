import { TestUnitOfWork, testActor } from '../../platform/testing/test-unit-of-work';
import { InMemoryCardRepository } from '../../issuance/cards/in-memory-card.repository';
import { CardUpdateErrorCode as E } from '../card-update-errors';
import { CardUpdateQueue } from '../card-update-queue.service';
import { InMemoryCardUpdateRepository } from '../in-memory-card-update.repository';
import { QueueCardUpdateCommand } from './queue-card-update.command';
import { QueueCardUpdateHandler } from './queue-card-update.handler';

const CARD = '00000000-0000-4000-8000-00000000c001';

function setup(state: 'issued' | 'active' | 'lost' = 'active') {
  const uow = new TestUnitOfWork();
  const cards = new InMemoryCardRepository();
  cards.seed({
    id: CARD,
    state,
    serial: '1001',
    requestId: '00000000-0000-4000-8000-00000000r001'.replace('r', 'e'),
    vscId: '00000000-0000-4000-8000-00000000d001',
  });
  const updates = new InMemoryCardUpdateRepository();
  const handler = new QueueCardUpdateHandler(uow, updates, cards, new CardUpdateQueue(updates));
  const queue = (
    kind: 'renew' | 'rekey' | 'put-object' | 'rotate-puk',
    params: { slot?: string; tag?: number; value?: Buffer } = {},
    serial = '1001',
  ) => handler.execute(new QueueCardUpdateCommand(serial, kind, 'why not', params, testActor()));
  return { uow, updates, queue };
}

describe('QueueCardUpdateHandler', () => {
  it('queues a pending update for an active card, audited; a second one is refused while the first is open', async () => {
    const { uow, updates, queue } = setup();
    const v = await queue('rekey', { slot: '9d' });
    expect(v).toMatchObject({ kind: 'rekey', slot: '9d', state: 'pending', origin: 'officer', requestedBy: testActor().actor });
    expect(updates.rows.get(v.id)).toMatchObject({ cardId: CARD, state: 'pending' });
    expect(uow.events.at(-1)).toMatchObject({ action: 'card-update.queued', targetId: v.id, outcome: 'success' });
    await expect(queue('renew')).rejects.toMatchObject({ code: E.AlreadyOpen });
    expect(uow.events.at(-1)).toMatchObject({ action: 'card-update.queued', targetId: CARD, outcome: 'denied' });
  });

  it('refuses a card that is not issued or active, an unknown card, and what a kind lacks (audited, nothing queued)', async () => {
    const lost = setup('lost');
    await expect(lost.queue('renew')).rejects.toMatchObject({ code: E.CardNotUpdatable });
    await expect(lost.queue('renew', {}, '9999')).rejects.toMatchObject({ code: E.NotFound });
    const active = setup();
    await expect(active.queue('rekey')).rejects.toMatchObject({ code: E.Invalid });
    await expect(active.queue('put-object', { tag: 0x5fc102, value: Buffer.from('x') })).rejects.toMatchObject({ code: E.Invalid });
    expect(lost.updates.rows.size + active.updates.rows.size).toBe(0);
    expect([...lost.uow.events, ...active.uow.events].map((e) => e.outcome)).toEqual(['denied', 'denied', 'denied', 'denied']);
  });

  it('queues a PUK rotation only for a card whose PUK SCM keeps sealed', async () => {
    const { updates, queue } = setup();
    await expect(queue('rotate-puk')).rejects.toMatchObject({ code: E.Invalid });
    expect(updates.rows.size).toBe(0);
    updates.puks.set(CARD, { sealed: Buffer.alloc(40), key: 'scm-card-puk/1' });
    expect(await queue('rotate-puk')).toMatchObject({ kind: 'rotate-puk', state: 'pending' });
  });
});
