import { Inject } from '@nestjs/common';
import { type IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { type CardProfile, checkedProfile } from '../card-profile';
import { PROFILE_REPOSITORY, type ProfileRepository } from '../profile.repository';
import { ListProfilesQuery } from './list-profiles.query';

@QueryHandler(ListProfilesQuery)
export class ListProfilesHandler implements IQueryHandler<ListProfilesQuery, CardProfile[]> {
  constructor(@Inject(PROFILE_REPOSITORY) private readonly profiles: ProfileRepository) {}

  async execute(_q: ListProfilesQuery): Promise<CardProfile[]> {
    return (await this.profiles.list()).map(checkedProfile);
  }
}
