import { Global, Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { UsersModule } from '../users/users.module';
import { AuthGuard } from './auth.guard';
import { LoginController } from './login/login.controller';
import { LoginHandler } from './login/login.handler';
import { LoginThrottleService } from './login-throttle.service';
import { LogoutController } from './logout/logout.controller';
import { LogoutHandler } from './logout/logout.handler';
import { PgSessionRepository } from './pg-session.repository';
import { ReauthController } from './reauth/reauth.controller';
import { ReauthHandler } from './reauth/reauth.handler';
import { SESSION_REPOSITORY } from './session.repository';
import { SessionService } from './session.service';
import { WhoAmIController } from './who-am-i/who-am-i.controller';

/** Log-in, sessions and the global guard that enforces every route's access rule. */
@Global()
@Module({
  imports: [UsersModule],
  controllers: [LoginController, LogoutController, ReauthController, WhoAmIController],
  providers: [
    { provide: SESSION_REPOSITORY, useClass: PgSessionRepository },
    SessionService,
    LoginThrottleService,
    LoginHandler,
    LogoutHandler,
    ReauthHandler,
    { provide: APP_GUARD, useClass: AuthGuard },
  ],
  exports: [SessionService, LoginThrottleService],
})
export class AuthModule {}
