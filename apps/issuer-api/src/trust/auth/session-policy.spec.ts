import type { Session } from './session.repository';
import { authenticatedAt, needsReauth, principalOf, sessionLifetime, slidIdleExpiry } from './session-policy';

const cfg = { SCM_SESSION_IDLE_MINUTES: 15, SCM_SESSION_MAX_HOURS: 8 };
const at = (iso: string) => new Date(`2026-12-01T${iso}Z`);
const session = (s: Partial<Session> = {}): Session => ({
  id: 's1',
  tokenHash: Buffer.alloc(32),
  principalKind: 'user',
  principalId: 'u1',
  createdAt: at('09:00:00'),
  lastSeenAt: at('09:00:00'),
  idleExpiresAt: at('09:15:00'),
  expiresAt: at('17:00:00'),
  revokedAt: null,
  address: null,
  userAgent: null,
  reauthenticatedAt: null,
  ...s,
});

describe('session policy', () => {
  it('gives users the configured lifetimes and workers fixed ones', () => {
    expect(sessionLifetime('user', cfg)).toEqual({ idleMs: 15 * 60_000, maxMs: 8 * 3600_000 });
    expect(sessionLifetime('worker', cfg)).toEqual({ idleMs: 10 * 60_000, maxMs: 12 * 3600_000 });
  });

  it('slides the idle expiry at most every 30 s, never past the absolute end', () => {
    expect(slidIdleExpiry(session(), at('09:00:30'), cfg)).toBeNull();
    expect(slidIdleExpiry(session(), at('09:00:31'), cfg)).toEqual(at('09:15:31'));
    expect(slidIdleExpiry(session({ lastSeenAt: at('16:50:00') }), at('16:55:00'), cfg)).toEqual(at('17:00:00'));
  });

  it('counts the later of log-in and re-authentication as the last proof of the password', () => {
    expect(authenticatedAt(session())).toEqual(at('09:00:00'));
    expect(authenticatedAt(session({ reauthenticatedAt: at('10:00:00') }))).toEqual(at('10:00:00'));
    expect(needsReauth(at('09:00:00'), at('09:05:00'), 5)).toBe(false);
    expect(needsReauth(at('09:00:00'), at('09:05:01'), 5)).toBe(true);
  });

  it('resolves a user with roles, and nobody for a disabled or missing account', () => {
    const user = {
      id: 'u1',
      username: 'olga',
      displayName: 'Olga',
      passwordHash: '',
      disabled: false,
      createdAt: at('08:00:00'),
      passwordChangedAt: at('08:00:00'),
    };
    expect(principalOf({ session: session(), holder: { kind: 'user', user, roles: ['help-desk'] } })).toEqual({
      kind: 'user',
      id: 'u1',
      username: 'olga',
      roles: ['help-desk'],
      sessionId: 's1',
      authenticatedAt: at('09:00:00'),
    });
    expect(principalOf({ session: session(), holder: { kind: 'user', user: { ...user, disabled: true }, roles: [] } })).toBeNull();
    expect(principalOf({ session: session(), holder: undefined })).toBeNull();
  });

  it('resolves an approved worker only', () => {
    const worker = {
      id: 'w1',
      name: 'ws0',
      host: 'h',
      workstation: 2,
      signKey: Buffer.alloc(0),
      kexKey: Buffer.alloc(0),
      fingerprint: 'F',
      status: 'approved' as const,
      suspendedReason: null,
      registeredAt: at('08:00:00'),
      decidedBy: null,
      decidedAt: null,
      lastSeenAt: null,
    };
    const s = session({ principalKind: 'worker', principalId: 'w1' });
    expect(principalOf({ session: s, holder: { kind: 'worker', worker } })).toEqual({
      kind: 'worker',
      id: 'w1',
      name: 'ws0',
      workstation: 2,
      sessionId: 's1',
    });
    expect(principalOf({ session: s, holder: { kind: 'worker', worker: { ...worker, status: 'revoked' } } })).toBeNull();
    expect(principalOf({ session: s, holder: { kind: 'worker', worker: { ...worker, status: 'pending' } } })).toBeNull();
    expect(principalOf({ session: s, holder: { kind: 'worker', worker: { ...worker, status: 'suspended' } } })).toBeNull();
  });
});
