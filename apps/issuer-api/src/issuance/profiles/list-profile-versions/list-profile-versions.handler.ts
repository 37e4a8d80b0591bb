import { Inject } from '@nestjs/common';
import { type IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { ProfileError, ProfileErrorCode } from '../profile-errors';
import { PROFILE_REPOSITORY, type ProfileRepository } from '../profile.repository';
import { ListProfileVersionsQuery, type ProfileVersionView } from './list-profile-versions.query';

@QueryHandler(ListProfileVersionsQuery)
export class ListProfileVersionsHandler implements IQueryHandler<ListProfileVersionsQuery, ProfileVersionView[]> {
  constructor(@Inject(PROFILE_REPOSITORY) private readonly profiles: ProfileRepository) {}

  async execute(q: ListProfileVersionsQuery): Promise<ProfileVersionView[]> {
    const versions = await this.profiles.versions(q.profileId);
    if (!versions.length) throw new ProfileError(ProfileErrorCode.NotFound, `no card profile "${q.profileId}"`, { profile: q.profileId });
    return versions.map((v) => ({
      profileId: v.profileId,
      version: v.version,
      description: v.description,
      definition: v.definition as unknown as Record<string, unknown>,
      proposedBy: v.proposedBy,
      approvedBy: v.approvedBy,
      approvalId: v.approvalId,
      createdAt: v.createdAt.toISOString(),
    }));
  }
}
