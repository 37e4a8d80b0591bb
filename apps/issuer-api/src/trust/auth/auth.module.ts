import { Global, Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { AuthController } from './auth.controller';
import { AuthGuard } from './auth.guard';
import { LoginHandler } from './login/login.handler';
import { LogoutHandler } from './logout/logout.handler';
import { ReauthHandler } from './reauth/reauth.handler';
import { SessionService } from './session.service';

@Global()
@Module({
  controllers: [AuthController],
  providers: [SessionService, LoginHandler, LogoutHandler, ReauthHandler, { provide: APP_GUARD, useClass: AuthGuard }],
  exports: [SessionService],
})
export class AuthModule {}
