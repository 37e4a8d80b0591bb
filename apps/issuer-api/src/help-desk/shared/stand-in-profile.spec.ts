import { InMemoryProfileRepository } from '../../issuance/profiles/in-memory-profile.repository';
import type { IssuanceRequest } from '../../issuance/requests/request.repository';
import { SPEC_PROFILE } from '../testing/help-desk-world';
import { StandInProfile } from './stand-in-profile';

describe('StandInProfile', () => {
  const request = { profile: SPEC_PROFILE } as IssuanceRequest;

  it("takes the card's request's copy of the profile, whatever the default is now", async () => {
    const profiles = new InMemoryProfileRepository();
    profiles.seed({ id: 'default', isDefault: true });
    expect(await new StandInProfile(profiles).of({ request })).toEqual({ definition: SPEC_PROFILE, from: 'request' });
  });

  it('takes the current default profile for a card without a request (rebuilt from the archive)', async () => {
    const profiles = new InMemoryProfileRepository();
    profiles.seed({ id: 'seed' });
    const def = profiles.seed({ id: 'default', isDefault: true });
    expect(await new StandInProfile(profiles).of({ request: null })).toEqual({ definition: def.definition, from: 'default' });
  });

  it('has none without a request and without a default profile, and refuses an invalid default', async () => {
    const profiles = new InMemoryProfileRepository();
    expect(await new StandInProfile(profiles).of({ request: null })).toBeUndefined();
    profiles.seed({ id: 'default', isDefault: true, definition: { ...SPEC_PROFILE, slots: {} } });
    await expect(new StandInProfile(profiles).of({ request: null })).rejects.toMatchObject({ code: 'profile.invalid' });
  });
});
