import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import { type CardProfile, type CardProfileDefinition, profileProblems } from './card-profile';
import { ProfileError, ProfileErrorCode } from './profile-errors';

type Row = { id: string; description: string; definition: CardProfileDefinition; is_default: boolean };

const toProfile = (r: Row): CardProfile => {
  const problems = profileProblems(r.definition);
  // A stored profile is checked on every read: a hand-edited row must not issue odd cards.
  if (problems.length)
    throw new ProfileError(ProfileErrorCode.Invalid, `profile ${r.id} is invalid: ${problems.join('; ')}`, { profile: r.id });
  return { id: r.id, description: r.description, isDefault: r.is_default, definition: r.definition };
};

/** Card profiles (seeded by the issuance migration; read-only through the API). */
@Injectable()
export class ProfilesService {
  constructor(@InjectDataSource() private readonly ds: DataSource) {}

  async list(em: EntityManager = this.ds.manager): Promise<CardProfile[]> {
    const rows = (await em.query(`SELECT id, description, definition, is_default FROM card_profile ORDER BY is_default DESC, id`)) as Row[];
    return rows.map(toProfile);
  }

  /** A profile by id, or the default profile when id is undefined. */
  async get(id: string | undefined, em: EntityManager = this.ds.manager): Promise<CardProfile> {
    const rows = (await em.query(
      id === undefined
        ? `SELECT id, description, definition, is_default FROM card_profile WHERE is_default`
        : `SELECT id, description, definition, is_default FROM card_profile WHERE id = $1`,
      id === undefined ? [] : [id],
    )) as Row[];
    if (!rows[0])
      throw new ProfileError(ProfileErrorCode.NotFound, id === undefined ? 'no default card profile' : `no card profile "${id}"`, {
        profile: id,
      });
    return toProfile(rows[0]);
  }
}
