import { InMemoryCertificateRepository } from '../../pki/in-memory-certificate.repository';
import { CardLifecycleService } from '../../issuance/cards/card-lifecycle.service';
import { InMemoryCardRepository } from '../../issuance/cards/in-memory-card.repository';
import { TestUnitOfWork, testActor } from '../../platform/testing/test-unit-of-work';
import { CardUpdateQueue } from '../card-update-queue.service';
import type { ExpiringCard } from '../card-update.repository';
import { InMemoryCardUpdateRepository } from '../in-memory-card-update.repository';
import { SweepCardExpiryCommand } from './sweep-card-expiry.command';
import { SweepCardExpiryHandler } from './sweep-card-expiry.handler';

const DAY = 86_400_000;
const id = (n: number) => `00000000-0000-4000-8000-00000000c00${n}`;

describe('SweepCardExpiryHandler', () => {
  function setup(now: Date) {
    const uow = new TestUnitOfWork();
    const cards = new InMemoryCardRepository();
    const updates = new InMemoryCardUpdateRepository();
    const statuses = { apply: async () => ({}) } as never;
    const lifecycle = new CardLifecycleService(cards, new InMemoryCertificateRepository(), statuses);
    const clock = { now: () => now };
    const handler = new SweepCardExpiryHandler(uow, updates, lifecycle, clock, new CardUpdateQueue(updates));
    const card = (n: number, notAfter: Date, renewal: 'automatic' | 'approval'): ExpiringCard => {
      cards.seed({ id: id(n), state: 'active', serial: String(n) });
      return {
        cardId: id(n),
        serial: String(n),
        state: 'active',
        cardholderId: null,
        requestId: id(9),
        notAfter,
        certificates: [{ serial: `0${n}`, slot: '9a', notAfter }],
        renewal,
        openUpdate: null,
      };
    };
    return { uow, cards, updates, handler, card, sweep: () => handler.execute(new SweepCardExpiryCommand(30, testActor())) };
  }

  it('expires cards past their end, queues renewals as the profile says (approval by default), and nothing twice', async () => {
    const now = new Date('2031-06-01T00:00:00Z');
    const s = setup(now);
    s.updates.expiringRows = [
      s.card(1, new Date(now.getTime() - DAY), 'approval'),
      s.card(2, new Date(now.getTime() + 10 * DAY), 'approval'),
      s.card(3, new Date(now.getTime() + 20 * DAY), 'automatic'),
      s.card(4, new Date(now.getTime() + 90 * DAY), 'automatic'),
    ];
    const r = await s.sweep();
    expect(r.expired).toEqual([id(1)]);
    expect(r.queued.map((q) => [q.cardId, q.state])).toEqual([
      [id(2), 'awaiting-approval'],
      [id(3), 'pending'],
    ]);
    expect(s.cards.rows.get(id(1))?.state).toBe('expired');
    expect([...s.updates.rows.values()].map((u) => [u.cardId, u.kind, u.origin])).toEqual([
      [id(2), 'renew', 'expiry'],
      [id(3), 'renew', 'expiry'],
    ]);
    // The read lists cards in service only: the expired one is gone from it.
    s.updates.expiringRows = s.updates.expiringRows.filter((c) => c.cardId !== id(1));
    const again = await s.sweep();
    expect(again.queued).toEqual([]);
    expect(again.skipped.map((x) => x.cardId).sort()).toEqual([id(2), id(3)]);
  });

  it('cancels the open renewal of a card it expires', async () => {
    const now = new Date('2031-06-01T00:00:00Z');
    const s = setup(now);
    s.updates.expiringRows = [s.card(1, new Date(now.getTime() + 5 * DAY), 'approval')];
    const [queued] = (await s.sweep()).queued;
    s.updates.expiringRows = [{ ...s.updates.expiringRows[0], notAfter: new Date(now.getTime() - DAY) }];
    expect((await s.sweep()).expired).toEqual([id(1)]);
    expect(s.updates.rows.get(queued.id)).toMatchObject({ state: 'cancelled', failure: 'the card expired' });
  });
});
