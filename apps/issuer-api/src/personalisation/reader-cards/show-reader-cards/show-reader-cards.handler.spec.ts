import { InMemoryReaderCardsRepository } from '../in-memory-reader-cards.repository';
import type { ReaderCard } from '../reader-cards.repository';
import { ShowReaderCardsHandler } from './show-reader-cards.handler';

describe('ShowReaderCardsHandler', () => {
  it('shows the latest card per reader, whether its job is still held, and what SCM knows of it', async () => {
    const repo = new InMemoryReaderCardsRepository();
    const t = (m: number) => new Date(Date.UTC(2026, 11, 1, 9, m));
    const row = (over: Partial<ReaderCard>): ReaderCard => ({
      workstation: 0,
      reader: 'Virtual PCD 00 00',
      serial: '00001079',
      atr: '3B00',
      leasedAt: t(0),
      expiresAt: t(1),
      requestId: 'r1',
      requestState: 'issued',
      cardholderName: 'Alice',
      cardId: 'k1',
      cardState: 'issued',
      ...over,
    });
    repo.rows.push(
      row({}),
      row({ serial: '00001080', leasedAt: t(5), expiresAt: t(20), requestState: 'personalising', cardState: 'personalising' }),
    );
    repo.rows.push(row({ reader: 'Virtual PCD 00 01', serial: '00002000', leasedAt: t(2), expiresAt: t(3) }));
    const out = await new ShowReaderCardsHandler(repo, { now: () => t(10) } as never).execute();
    expect(out.map((c) => [c.reader, c.serial, c.live, c.cardState])).toEqual([
      ['Virtual PCD 00 00', '00001080', true, 'personalising'],
      ['Virtual PCD 00 01', '00002000', false, 'issued'],
    ]);
    expect(out[0].leasedAt).toBe('2026-12-01T09:05:00.000Z');
  });
});
