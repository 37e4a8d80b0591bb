import { InMemoryCardholderRepository } from '../in-memory-cardholder.repository';
import { ListCardholdersHandler } from './list-cardholders.handler';
import { ListCardholdersQuery } from './list-cardholders.query';

describe('ListCardholdersHandler', () => {
  const setup = () => {
    const repo = new InMemoryCardholderRepository();
    repo.seed({ id: 'c3', name: 'carol Zed', email: 'carol@example.org', orgIds: ['DEPT-7'] });
    repo.seed({ id: 'c1', name: 'Alice Martin', upn: 'amartin@corp' });
    repo.seed({ id: 'c2', name: 'Bob Stone', upn: 'bstone@corp', orgIds: ['EMP-42'] });
    return new ListCardholdersHandler(repo);
  };

  it('lists cardholders by name, any case, as views', async () => {
    const list = await setup().execute(new ListCardholdersQuery({}));
    expect(list.map((c) => c.name)).toEqual(['Alice Martin', 'Bob Stone', 'carol Zed']);
    expect(list[0]).toEqual({
      id: 'c1',
      name: 'Alice Martin',
      email: null,
      upn: 'amartin@corp',
      orgIds: [],
      status: 'active',
      sponsored: false,
      createdAt: '2026-12-01T08:00:00.000Z',
    });
  });

  it('matches a search in the name, e-mail, UPN or an organisation id', async () => {
    const h = setup();
    const ids = async (search: string) => (await h.execute(new ListCardholdersQuery({ search }))).map((c) => c.id);
    expect(await ids('MARTIN')).toEqual(['c1']);
    expect(await ids('example.org')).toEqual(['c3']);
    expect(await ids('bstone@')).toEqual(['c2']);
    expect(await ids('emp-4')).toEqual(['c2']);
  });

  it('pages with limit and offset', async () => {
    const list = await setup().execute(new ListCardholdersQuery({ limit: 1, offset: 1 }));
    expect(list.map((c) => c.id)).toEqual(['c2']);
  });
});
