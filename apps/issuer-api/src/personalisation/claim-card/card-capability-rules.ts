import { cardCapabilitiesOf, type CardProbe, missingCapabilities } from '@scm/personalisation';
import { profileSlots, requiredCapabilities } from '../../issuance/profiles/card-profile';
import type { IssuanceRequest } from '../../issuance/requests/request.repository';
import { PersonalisationError, PersonalisationErrorCode as E } from '../personalisation-errors';

/**
 * Why a card may not take a request because it cannot carry the request's profile (the version the
 * request copied): a profile with a key generated off the card (escrow, regenerate) needs a card that
 * imports keys. Decided from what the card says of itself (its ATR, its GET VERSION answer), before
 * the card is bound and before anything is written to it. Undefined when the card can.
 */
export function capabilityRefusal(
  request: Pick<IssuanceRequest, 'id' | 'profile' | 'profileId' | 'profileVersion'>,
  card: { serial: string; atr: string; probe?: CardProbe },
): PersonalisationError | undefined {
  const needed = requiredCapabilities(request.profile);
  const caps = cardCapabilitiesOf(card.atr, card.probe);
  const missing = missingCapabilities(needed, caps);
  if (!missing.length) return undefined;
  const imported = profileSlots(request.profile)
    .filter(([, s]) => s.escrow !== 'on-card')
    .map(([slot, s]) => `${slot} (${s.escrow})`);
  const profile = `${request.profileId}${request.profileVersion ? ` v${request.profileVersion}` : ''}`;
  return new PersonalisationError(
    E.CardLacksCapability,
    `card ${card.serial} cannot carry profile ${profile}: the profile needs ${missing.join(', ')}` +
      `${imported.length ? ` (slots ${imported.join(', ')} are generated off the card and imported into it)` : ''}` +
      ` and the card ${caps.basis}. Nothing was written to the card; use a card that imports keys, or a profile whose keys the card generates`,
    {
      requestId: request.id,
      serial: card.serial,
      missing,
      model: caps.model,
      profile: request.profileId,
      profileVersion: request.profileVersion ?? null,
    },
  );
}
