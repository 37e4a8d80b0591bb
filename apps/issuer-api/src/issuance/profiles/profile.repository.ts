import type { CardProfileEntity, CardProfileVersionEntity } from '@scm/db';
import type { TxScope } from '../../platform/infra/unit-of-work';

/** A card profile as stored (one row of card_profile); `checkedProfile` turns it into a CardProfile. */
export type StoredProfile = CardProfileEntity;
/** One approved version of a profile (one row of card_profile_version). */
export type StoredProfileVersion = CardProfileVersionEntity;

/** Card profiles: the current version of each, and every approved version (changes are made under dual control). */
export interface ProfileRepository {
  /** Every profile, the default first, then by id. */
  list(tx?: TxScope): Promise<StoredProfile[]>;
  get(id: string, tx?: TxScope): Promise<StoredProfile | undefined>;
  /** The profile, locked for the rest of the transaction. */
  lock(tx: TxScope, id: string): Promise<StoredProfile | undefined>;
  /** The profile marked as the default. */
  getDefault(tx?: TxScope): Promise<StoredProfile | undefined>;
  /** A new profile (its version 1). */
  insert(tx: TxScope, profile: StoredProfile): Promise<void>;
  /** Makes `version` the current one; false when the profile is no longer at `from`. */
  advance(tx: TxScope, id: string, from: number, to: Pick<StoredProfile, 'version' | 'description' | 'definition'>): Promise<boolean>;
  insertVersion(tx: TxScope, version: StoredProfileVersion): Promise<void>;
  /** Every approved version of a profile, oldest first. */
  versions(id: string, tx?: TxScope): Promise<StoredProfileVersion[]>;
}

export const PROFILE_REPOSITORY = Symbol('ProfileRepository');
