import { SetMetadata } from '@nestjs/common';
import type { Role } from '@scm/db';

/** Every route declares who may call it; a route without a rule is refused (and fails the tests). */
export const ACCESS = 'scm:access';

export type AccessRule = { kind: 'public' } | { kind: 'user' } | { kind: 'roles'; roles: readonly Role[] } | { kind: 'worker' };

/** Anyone, authenticated or not (health, metrics, login, CRLs). */
export const Public = () => SetMetadata(ACCESS, { kind: 'public' } satisfies AccessRule);
/** Any logged-in user, whatever their roles (their own session, their own password). */
export const Authenticated = () => SetMetadata(ACCESS, { kind: 'user' } satisfies AccessRule);
/** A logged-in user holding at least one of the roles. */
export const Roles = (...roles: [Role, ...Role[]]) => SetMetadata(ACCESS, { kind: 'roles', roles } satisfies AccessRule);
/** An enrolled, approved card worker. */
export const WorkerOnly = () => SetMetadata(ACCESS, { kind: 'worker' } satisfies AccessRule);

export const FRESH = 'scm:fresh';
/**
 * The action needs the password confirmed recently (SCM_REAUTH_MINUTES): escrow recovery, PIN
 * unblock, revocation. A stolen session alone is not enough for them. POST /api/v1/auth/reauth.
 */
export const Fresh = () => SetMetadata(FRESH, true);

export const BEFORE_PASSWORD_CHANGE = 'scm:before-password-change';
/** Allowed while the caller must still change a password an administrator set (change it, log out, who am I). */
export const AllowedBeforePasswordChange = () => SetMetadata(BEFORE_PASSWORD_CHANGE, true);
