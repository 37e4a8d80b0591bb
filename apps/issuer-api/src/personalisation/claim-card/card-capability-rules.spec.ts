import { DEFAULT_DEFINITION } from '../../issuance/profiles/in-memory-profile.repository';
import { PersonalisationErrorCode } from '../personalisation-errors';
import { capabilityRefusal } from './card-capability-rules';

const YUBIKEY_5 = '3BFD1300008131FE158073C021C057597562694B657940';
const GENERIC = '3B8D80018073C021C05747656E50495631BB';
const request = { id: 'r1', profileId: 'default', profileVersion: 2, profile: DEFAULT_DEFINITION };

describe('capabilityRefusal', () => {
  it('refuses a card without key import for a profile that escrows a key, naming the slots and the card', () => {
    const e = capabilityRefusal(request, { serial: '42', atr: GENERIC, probe: { version: null } });
    expect(e?.code).toBe(PersonalisationErrorCode.CardLacksCapability);
    expect(e?.message).toMatch(
      /^card 42 cannot carry profile default v2: the profile needs import-key \(slots 9d \(escrow\), 9e \(regenerate\)/,
    );
    expect(e?.message).toMatch(/Nothing was written to the card/);
  });

  it('lets a YubiKey take it, and any card take a profile whose keys are all made on the card', () => {
    expect(capabilityRefusal(request, { serial: '42', atr: YUBIKEY_5, probe: { version: '5.4.3' } })).toBeUndefined();
    const onCard = {
      ...request,
      profile: { ...DEFAULT_DEFINITION, slots: { '9a': DEFAULT_DEFINITION.slots['9a'] }, cardCapabilities: [] },
    };
    expect(capabilityRefusal(onCard, { serial: '42', atr: GENERIC, probe: { version: null } })).toBeUndefined();
  });
});
