import { Module, type OnModuleInit } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { ListProfileVersionsController } from './list-profile-versions/list-profile-versions.controller';
import { ListProfileVersionsHandler } from './list-profile-versions/list-profile-versions.handler';
import { ListProfilesController } from './list-profiles/list-profiles.controller';
import { ListProfilesHandler } from './list-profiles/list-profiles.handler';
import { PgProfileRepository } from './pg-profile.repository';
import { ProfileApprovals } from './profile-approvals';
import { PROFILE_REPOSITORY } from './profile.repository';
import { ProposeProfileController } from './propose-profile/propose-profile.controller';
import { ProposeProfileHandler } from './propose-profile/propose-profile.handler';
import { ShowProfileController } from './show-profile/show-profile.controller';
import { ShowProfileHandler } from './show-profile/show-profile.handler';

/** Card profiles: versioned data, changed under dual control; issuance copies the current version into each request. */
@Module({
  imports: [CqrsModule],
  controllers: [ListProfilesController, ShowProfileController, ListProfileVersionsController, ProposeProfileController],
  providers: [
    { provide: PROFILE_REPOSITORY, useClass: PgProfileRepository },
    ProfileApprovals,
    ListProfilesHandler,
    ShowProfileHandler,
    ListProfileVersionsHandler,
    ProposeProfileHandler,
  ],
  exports: [PROFILE_REPOSITORY],
})
export class ProfilesModule implements OnModuleInit {
  constructor(private readonly approvals: ProfileApprovals) {}

  onModuleInit(): void {
    this.approvals.register();
  }
}
