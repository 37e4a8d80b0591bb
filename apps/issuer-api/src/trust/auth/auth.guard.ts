import { type CanActivate, type ExecutionContext, Inject, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { API_CONFIG, type ApiConfig } from '../../platform/config/api-config';
import type { Clock } from '../../platform/infra/clock.port';
import { CLOCK } from '../../platform/infra/tokens';
import { ACCESS, type AccessRule, BEFORE_PASSWORD_CHANGE, FRESH } from './access.decorator';
import { AuthError, AuthErrorCode } from './auth-errors';
import type { AuthedRequest } from './principal';
import { needsReauth } from './session-policy';
import { SessionService } from './session.service';

/** Global guard: resolves the bearer token and enforces the route's declared access rule. */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly sessions: SessionService,
    @Inject(API_CONFIG) private readonly cfg: ApiConfig,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async canActivate(ctx: ExecutionContext): Promise<boolean> {
    const rule = this.reflector.getAllAndOverride<AccessRule | undefined>(ACCESS, [ctx.getHandler(), ctx.getClass()]);
    if (!rule) throw new AuthError(AuthErrorCode.NoAccessRule, 'this route declares no access rule and is refused');
    const req = ctx.switchToHttp().getRequest<AuthedRequest & { headers: Record<string, string | undefined> }>();
    const header = req.headers.authorization;
    const token = header?.startsWith('Bearer ') ? header.slice(7).trim() : undefined;
    if (token) {
      const p = await this.sessions.resolve(token);
      if (p) req.principal = p;
      else if (rule.kind !== 'public')
        throw new AuthError(AuthErrorCode.Unauthenticated, 'the session is unknown, expired or revoked; log in again');
    }
    if (req.principal?.kind === 'user' && req.principal.mustChangePassword && rule.kind !== 'public') {
      if (!this.reflector.getAllAndOverride<boolean | undefined>(BEFORE_PASSWORD_CHANGE, [ctx.getHandler(), ctx.getClass()])) {
        throw new AuthError(
          AuthErrorCode.PasswordChangeRequired,
          'an administrator set your password: change it first (bin/scm passwd, or POST /api/v1/users/me/password)',
        );
      }
    }
    switch (rule.kind) {
      case 'public':
        return true;
      case 'worker': {
        if (!req.principal) throw new AuthError(AuthErrorCode.Unauthenticated, 'a card worker session is required');
        if (req.principal.kind !== 'worker') throw new AuthError(AuthErrorCode.Forbidden, 'only an enrolled card worker may call this');
        req.actingRole = 'card-worker';
        return true;
      }
      case 'user': {
        if (!req.principal) throw new AuthError(AuthErrorCode.Unauthenticated, 'log in first (Authorization: Bearer <token>)');
        if (req.principal.kind !== 'user') throw new AuthError(AuthErrorCode.Forbidden, 'a card worker may not call this');
        req.actingRole = req.principal.roles[0];
        return true;
      }
      case 'roles': {
        const p = req.principal;
        if (!p) throw new AuthError(AuthErrorCode.Unauthenticated, 'log in first (Authorization: Bearer <token>)');
        if (p.kind !== 'user') throw new AuthError(AuthErrorCode.Forbidden, 'a card worker may not call this');
        const role = rule.roles.find((r) => p.roles.includes(r));
        if (!role)
          throw new AuthError(AuthErrorCode.Forbidden, `needs one of the roles: ${rule.roles.join(', ')}`, { required: rule.roles });
        req.actingRole = role;
        if (this.reflector.getAllAndOverride<boolean | undefined>(FRESH, [ctx.getHandler(), ctx.getClass()])) {
          if (needsReauth(p.authenticatedAt, this.clock.now(), this.cfg.SCM_REAUTH_MINUTES)) {
            throw new AuthError(
              AuthErrorCode.ReauthRequired,
              `confirm your password first (POST /api/v1/auth/reauth): this action needs a log-in or confirmation within ${this.cfg.SCM_REAUTH_MINUTES} minutes`,
            );
          }
        }
        return true;
      }
    }
  }
}
