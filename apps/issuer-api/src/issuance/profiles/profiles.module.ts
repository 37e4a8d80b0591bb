import { Module } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { ListProfilesController } from './list-profiles/list-profiles.controller';
import { ListProfilesHandler } from './list-profiles/list-profiles.handler';
import { PgProfileRepository } from './pg-profile.repository';
import { PROFILE_REPOSITORY } from './profile.repository';
import { ShowProfileController } from './show-profile/show-profile.controller';
import { ShowProfileHandler } from './show-profile/show-profile.handler';

/** Card profiles: read-only through the API; issuance copies one into each request. */
@Module({
  imports: [CqrsModule],
  controllers: [ListProfilesController, ShowProfileController],
  providers: [{ provide: PROFILE_REPOSITORY, useClass: PgProfileRepository }, ListProfilesHandler, ShowProfileHandler],
  exports: [PROFILE_REPOSITORY],
})
export class ProfilesModule {}
