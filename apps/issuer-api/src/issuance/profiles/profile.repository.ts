import type { CardProfileEntity } from '@scm/db';
import type { TxScope } from '../../platform/infra/unit-of-work';

/** A card profile as stored (one row of card_profile); `checkedProfile` turns it into a CardProfile. */
export type StoredProfile = CardProfileEntity;

/** Card profiles (seeded by the issuance migration; read-only through the API). */
export interface ProfileRepository {
  /** Every profile, the default first, then by id. */
  list(tx?: TxScope): Promise<StoredProfile[]>;
  get(id: string, tx?: TxScope): Promise<StoredProfile | undefined>;
  /** The profile marked as the default. */
  getDefault(tx?: TxScope): Promise<StoredProfile | undefined>;
}

export const PROFILE_REPOSITORY = Symbol('ProfileRepository');
