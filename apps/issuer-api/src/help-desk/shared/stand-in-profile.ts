import { Inject, Injectable } from '@nestjs/common';
import { type CardProfileDefinition, checkedProfile } from '../../issuance/profiles/card-profile';
import { PROFILE_REPOSITORY, type ProfileRepository } from '../../issuance/profiles/profile.repository';
import type { TxScope } from '../../platform/infra/unit-of-work';
import type { HelpdeskCard } from './help-desk-card.repository';

/**
 * The card profile a VSC standing in for a card is made with: the copy kept in the card's issuance
 * request, else the current default profile. A card rebuilt from the archive volumes
 * (`scm archive rebuild`) has no request — requests are not in the archive — but its escrow is.
 */
@Injectable()
export class StandInProfile {
  constructor(@Inject(PROFILE_REPOSITORY) private readonly profiles: ProfileRepository) {}

  /** The profile, and where it came from; undefined when the card has no request and there is no default profile. */
  async of(
    card: Pick<HelpdeskCard, 'request'>,
    tx?: TxScope,
  ): Promise<{ definition: CardProfileDefinition; from: 'request' | 'default' } | undefined> {
    if (card.request) return { definition: card.request.profile, from: 'request' };
    const row = await this.profiles.getDefault(tx);
    return row ? { definition: checkedProfile(row).definition, from: 'default' } : undefined;
  }
}
