import { InMemoryCardViewsRepository } from '../in-memory-card-views.repository';
import { ShowCardEscrowHandler } from './show-card-escrow.handler';
import { ShowCardEscrowQuery } from './show-card-escrow.query';

describe('ShowCardEscrowHandler', () => {
  it("lists the card's VSC versions in order with the volume holding each", async () => {
    const views = new InMemoryCardViewsRepository();
    const at = new Date('2026-12-01T09:00:00Z');
    const v = { vscId: 'v1', sha256: 'ab', reason: 'issue', createdAt: at, escrowedAt: at };
    views.vscVersions.push({ ...v, cardId: 'k1', version: 2, volume: null }, { ...v, cardId: 'k1', version: 1, volume: 3 });
    views.vscVersions.push({ ...v, cardId: 'k2', version: 1, volume: null });
    const out = await new ShowCardEscrowHandler(views).execute(new ShowCardEscrowQuery('k1'));
    expect(out.map((x) => [x.version, x.volume])).toEqual([
      [1, 3],
      [2, null],
    ]);
    expect(out[0].escrowedAt).toBe('2026-12-01T09:00:00.000Z');
  });
});
