import { Inject } from '@nestjs/common';
import { type IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { type CardProfile, checkedProfile } from '../card-profile';
import { ProfileError, ProfileErrorCode } from '../profile-errors';
import { PROFILE_REPOSITORY, type ProfileRepository } from '../profile.repository';
import { ShowProfileQuery } from './show-profile.query';

@QueryHandler(ShowProfileQuery)
export class ShowProfileHandler implements IQueryHandler<ShowProfileQuery, CardProfile> {
  constructor(@Inject(PROFILE_REPOSITORY) private readonly profiles: ProfileRepository) {}

  async execute(q: ShowProfileQuery): Promise<CardProfile> {
    const row = q.profileId === undefined ? await this.profiles.getDefault() : await this.profiles.get(q.profileId);
    if (!row) {
      throw new ProfileError(
        ProfileErrorCode.NotFound,
        q.profileId === undefined ? 'no default card profile' : `no card profile "${q.profileId}"`,
        {
          profile: q.profileId,
        },
      );
    }
    return checkedProfile(row);
  }
}
