import { InMemoryProfileRepository } from '../in-memory-profile.repository';
import { ProfileErrorCode } from '../profile-errors';
import { ShowProfileHandler } from './show-profile.handler';
import { ShowProfileQuery } from './show-profile.query';

describe('ShowProfileHandler', () => {
  const setup = () => {
    const repo = new InMemoryProfileRepository();
    repo.seed({ id: 'default', isDefault: true });
    repo.seed({ id: 'seed' });
    return { repo, handler: new ShowProfileHandler(repo) };
  };

  it('shows a profile by id, and the default one when none is named', async () => {
    const { handler } = setup();
    expect(await handler.execute(new ShowProfileQuery('seed'))).toMatchObject({ id: 'seed', isDefault: false });
    expect(await handler.execute(new ShowProfileQuery(undefined))).toMatchObject({ id: 'default', isDefault: true });
  });

  it('is NotFound for an unknown profile, or when no profile is the default', async () => {
    const { repo, handler } = setup();
    await expect(handler.execute(new ShowProfileQuery('nope'))).rejects.toMatchObject({
      code: ProfileErrorCode.NotFound,
      message: 'no card profile "nope"',
    });
    repo.rows.delete('default');
    await expect(handler.execute(new ShowProfileQuery(undefined))).rejects.toMatchObject({ message: 'no default card profile' });
  });

  it('refuses a stored profile that fails its checks', async () => {
    const { repo, handler } = setup();
    repo.seed({ id: 'odd', definition: { ...repo.rows.get('seed')!.definition, slots: {} } });
    await expect(handler.execute(new ShowProfileQuery('odd'))).rejects.toMatchObject({ code: ProfileErrorCode.Invalid });
  });
});
