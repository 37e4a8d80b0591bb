import type { ApiConfig } from '../../platform/config/api-config';
import type { Principal } from './principal';
import type { LiveSession, Session } from './session.repository';

export type SessionSettings = Pick<ApiConfig, 'SCM_SESSION_IDLE_MINUTES' | 'SCM_SESSION_MAX_HOURS'>;

/** A worker's session is machine-held: a fixed 10 min idle and 12 h lifetime, whatever the user settings. */
export function sessionLifetime(kind: Session['principalKind'], cfg: SessionSettings): { idleMs: number; maxMs: number } {
  return kind === 'worker'
    ? { idleMs: 10 * 60_000, maxMs: 12 * 3600_000 }
    : { idleMs: cfg.SCM_SESSION_IDLE_MINUTES * 60_000, maxMs: cfg.SCM_SESSION_MAX_HOURS * 3600_000 };
}

/** Sliding idle expiry is written at most this often, to spare the database one write per request. */
export const TOUCH_EVERY_MS = 30_000;

/** When a session in use at `now` should slide its idle expiry, and to when (never past its absolute end). */
export function slidIdleExpiry(s: Session, now: Date, cfg: SessionSettings): Date | null {
  if (now.getTime() - s.lastSeenAt.getTime() <= TOUCH_EVERY_MS) return null;
  const idle = now.getTime() + sessionLifetime(s.principalKind, cfg).idleMs;
  return new Date(Math.min(s.expiresAt.getTime(), idle));
}

/** The last time the holder proved their password: log-in or re-authentication. */
export const authenticatedAt = (s: Session): Date =>
  s.reauthenticatedAt && s.reauthenticatedAt > s.createdAt ? s.reauthenticatedAt : s.createdAt;

/** Whether a sensitive action (@Fresh) must first re-authenticate. */
export const needsReauth = (authenticated: Date, now: Date, reauthMinutes: number): boolean =>
  now.getTime() - authenticated.getTime() > reauthMinutes * 60_000;

/** The principal of a live session, or null when its holder is gone, disabled or not (or no longer) approved. */
export function principalOf(live: LiveSession): Principal | null {
  const { session: s, holder: h } = live;
  if (!h || h.kind !== s.principalKind) return null;
  if (h.kind === 'user') {
    if (h.user.disabled) return null;
    return {
      kind: 'user',
      id: h.user.id,
      username: h.user.username,
      roles: h.roles,
      sessionId: s.id,
      authenticatedAt: authenticatedAt(s),
      ...(h.user.mustChangePassword ? { mustChangePassword: true } : {}),
    };
  }
  if (h.worker.status !== 'approved') return null;
  return { kind: 'worker', id: h.worker.id, name: h.worker.name, workstation: h.worker.workstation, sessionId: s.id };
}
