import type { CardWorkerEntity, LoginThrottleEntity, Role, UserEntity } from '@scm/db';
import type { TxScope } from '../../platform/infra/unit-of-work';
import type { LiveSession, Session, SessionHolder, SessionRepository } from './session.repository';

/** Sessions and login counters in memory, for handler specs; holders are seeded by the spec. */
export class InMemorySessionRepository implements SessionRepository {
  readonly sessions = new Map<string, Session>();
  readonly throttle = new Map<string, LoginThrottleEntity>();
  private readonly holders = new Map<string, SessionHolder>();

  /** Makes an account known to session resolution. */
  seedUser(user: Partial<UserEntity> & Pick<UserEntity, 'id'>, roles: Role[] = []): void {
    this.holders.set(`user:${user.id}`, {
      kind: 'user',
      user: {
        username: 'olga',
        displayName: 'Olga',
        passwordHash: '',
        disabled: false,
        createdAt: new Date(0),
        passwordChangedAt: new Date(0),
        ...user,
      },
      roles,
    });
  }

  /** Makes a card worker known to session resolution. */
  seedWorker(worker: Partial<CardWorkerEntity> & Pick<CardWorkerEntity, 'id'>): void {
    this.holders.set(`worker:${worker.id}`, {
      kind: 'worker',
      worker: {
        name: 'ws0',
        host: 'host',
        workstation: 0,
        signKey: Buffer.alloc(0),
        kexKey: Buffer.alloc(0),
        fingerprint: '',
        status: 'approved',
        suspendedReason: null,
        registeredAt: new Date(0),
        decidedBy: null,
        decidedAt: null,
        lastSeenAt: null,
        ...worker,
      },
    });
  }

  async insert(_tx: TxScope, session: Session): Promise<void> {
    this.sessions.set(session.id, { ...session });
  }

  async findLive(tokenHash: Buffer, now: Date): Promise<LiveSession | undefined> {
    const s = [...this.sessions.values()].find(
      (x) => x.tokenHash.equals(tokenHash) && !x.revokedAt && x.expiresAt > now && x.idleExpiresAt > now,
    );
    return s && { session: { ...s }, holder: this.holders.get(`${s.principalKind}:${s.principalId}`) };
  }

  async touch(id: string, lastSeenAt: Date, idleExpiresAt: Date): Promise<void> {
    const s = this.sessions.get(id);
    if (s) this.sessions.set(id, { ...s, lastSeenAt, idleExpiresAt });
  }

  async markReauthenticated(tx: TxScope, id: string): Promise<void> {
    const s = this.sessions.get(id);
    if (s) this.sessions.set(id, { ...s, reauthenticatedAt: tx.now });
  }

  async revoke(tx: TxScope, id: string): Promise<void> {
    const s = this.sessions.get(id);
    if (s && !s.revokedAt) this.sessions.set(id, { ...s, revokedAt: tx.now });
  }

  async revokeAllOf(tx: TxScope, kind: Session['principalKind'], principalId: string): Promise<number> {
    let n = 0;
    for (const s of this.sessions.values()) {
      if (s.principalKind === kind && s.principalId === principalId && !s.revokedAt) {
        this.sessions.set(s.id, { ...s, revokedAt: tx.now });
        n++;
      }
    }
    return n;
  }

  async lockedUntil(tx: TxScope, keys: readonly string[]): Promise<Date | undefined> {
    const until = keys
      .map((k) => this.throttle.get(k)?.lockedUntil)
      .filter((d): d is Date => !!d && d > tx.now)
      .sort((a, b) => b.getTime() - a.getTime());
    return until[0];
  }

  async countFailure(tx: TxScope, key: string, windowStart: Date): Promise<number> {
    const t = this.throttle.get(key);
    const fresh = !t || t.windowStart < windowStart;
    const next = fresh
      ? { key, failures: 1, windowStart: tx.now, lockedUntil: t?.lockedUntil ?? null }
      : { ...t, failures: t.failures + 1 };
    this.throttle.set(key, next);
    return next.failures;
  }

  async lockKey(tx: TxScope, key: string, until: Date): Promise<void> {
    const t = this.throttle.get(key);
    if (t) this.throttle.set(key, { ...t, lockedUntil: until, failures: 0, windowStart: tx.now });
  }

  async clearKey(_tx: TxScope, key: string): Promise<void> {
    this.throttle.delete(key);
  }
}
