import { Module } from '@nestjs/common';
import { ChangePasswordController } from './change-password/change-password.controller';
import { ChangePasswordHandler } from './change-password/change-password.handler';
import { CreateUserController } from './create-user/create-user.controller';
import { CreateUserHandler } from './create-user/create-user.handler';
import { DisableUserController } from './disable-user/disable-user.controller';
import { DisableUserHandler } from './disable-user/disable-user.handler';
import { EnableUserController } from './enable-user/enable-user.controller';
import { EnableUserHandler } from './enable-user/enable-user.handler';
import { ListUsersController } from './list-users/list-users.controller';
import { ListUsersHandler } from './list-users/list-users.handler';
import { PgUserRepository } from './pg-user.repository';
import { RequestRoleController } from './request-role/request-role.controller';
import { RequestRoleHandler } from './request-role/request-role.handler';
import { RevokeRoleController } from './revoke-role/revoke-role.controller';
import { RevokeRoleHandler } from './revoke-role/revoke-role.handler';
import { RoleGrantExecutor } from './role-grant.executor';
import { USER_REPOSITORY } from './user.repository';

/** Accounts and roles. Granting a role takes a second admin's approval (kind "role-grant"). */
@Module({
  controllers: [
    ListUsersController,
    CreateUserController,
    RequestRoleController,
    RevokeRoleController,
    DisableUserController,
    EnableUserController,
    ChangePasswordController,
  ],
  providers: [
    { provide: USER_REPOSITORY, useClass: PgUserRepository },
    RoleGrantExecutor,
    ListUsersHandler,
    CreateUserHandler,
    RequestRoleHandler,
    RevokeRoleHandler,
    DisableUserHandler,
    EnableUserHandler,
    ChangePasswordHandler,
  ],
  exports: [USER_REPOSITORY],
})
export class UsersModule {}
