import { InMemoryProfileRepository } from '../in-memory-profile.repository';
import { ProfileErrorCode } from '../profile-errors';
import { ListProfilesHandler } from './list-profiles.handler';
import { ListProfilesQuery } from './list-profiles.query';

describe('ListProfilesHandler', () => {
  it('lists the default profile first, then the others by id', async () => {
    const repo = new InMemoryProfileRepository();
    repo.seed({ id: 'seed' });
    repo.seed({ id: 'default', isDefault: true, description: 'what most cards get' });
    repo.seed({ id: 'contractor' });
    const list = await new ListProfilesHandler(repo).execute(new ListProfilesQuery());
    expect(list.map((p) => [p.id, p.isDefault])).toEqual([
      ['default', true],
      ['contractor', false],
      ['seed', false],
    ]);
    expect(list[0]).toEqual({
      id: 'default',
      description: 'what most cards get',
      isDefault: true,
      version: 1,
      definition: repo.rows.get('default')!.definition,
    });
  });

  it('refuses to serve a stored profile that fails its checks', async () => {
    const repo = new InMemoryProfileRepository();
    repo.seed({ id: 'default', isDefault: true });
    repo.seed({ id: 'edited', definition: { ...repo.rows.get('default')!.definition, validityDays: 0 } });
    await expect(new ListProfilesHandler(repo).execute(new ListProfilesQuery())).rejects.toMatchObject({
      code: ProfileErrorCode.Invalid,
      message: 'profile edited is invalid: validityDays: 1..3650',
    });
  });
});
