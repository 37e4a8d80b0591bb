import { InMemoryCardViewsRepository } from '../in-memory-card-views.repository';
import { ListCardsHandler } from './list-cards.handler';
import { ListCardsQuery } from './list-cards.query';

describe('ListCardsHandler', () => {
  const setup = () => {
    const views = new InMemoryCardViewsRepository();
    const t = (m: number) => new Date(Date.UTC(2026, 11, 1, 9, m));
    const card = (id: string, serial: string, state: 'issued' | 'lost', name: string, m: number) =>
      views.cards.push({
        id,
        serial,
        state,
        stateChangedAt: t(m),
        createdAt: t(m),
        cardholderId: `h-${id}`,
        cardholderName: name,
        cardholderUpn: `${name.toLowerCase()}@corp.example`,
        requestId: null,
        vscId: null,
      });
    card('k1', '00001079', 'issued', 'Alice', 1);
    card('k2', '00002080', 'lost', 'Bob', 2);
    card('k3', '00003081', 'issued', 'Carol', 3);
    return new ListCardsHandler(views);
  };
  const ids = async (f: Partial<ConstructorParameters<typeof ListCardsQuery>[0]>) =>
    (await setup().execute(new ListCardsQuery({ limit: 50, offset: 0, ...f }))).map((c) => c.id);

  it('lists cards newest first, with dates as ISO strings', async () => {
    const list = await setup().execute(new ListCardsQuery({ limit: 50, offset: 0 }));
    expect(list.map((c) => c.id)).toEqual(['k3', 'k2', 'k1']);
    expect(list[2]).toMatchObject({ serial: '00001079', cardholderName: 'Alice', stateChangedAt: '2026-12-01T09:01:00.000Z' });
  });

  it('searches by serial or cardholder, filters by state and pages', async () => {
    expect(await ids({ search: '2080' })).toEqual(['k2']);
    expect(await ids({ search: 'carol' })).toEqual(['k3']);
    expect(await ids({ search: 'alice@corp' })).toEqual(['k1']);
    expect(await ids({ state: 'issued' })).toEqual(['k3', 'k1']);
    expect(await ids({ limit: 1, offset: 1 })).toEqual(['k2']);
  });
});
