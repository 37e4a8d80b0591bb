import type { CardWorkerEntity, Role, SessionEntity, UserEntity } from '@scm/db';
import type { TxScope } from '../../platform/infra/unit-of-work';

/** A login session (one row of session). */
export type Session = SessionEntity;

/** Who holds a session, as far as authentication needs: the account and its active roles, or the worker. */
export type SessionHolder = { kind: 'user'; user: UserEntity; roles: Role[] } | { kind: 'worker'; worker: CardWorkerEntity };

/** A session that is neither revoked nor expired, with its holder (absent when the holder row is gone). */
export interface LiveSession {
  session: Session;
  holder: SessionHolder | undefined;
}

/**
 * Sessions and the failed-login counters that guard their creation. Writes take the unit of work's
 * transaction; resolving a bearer token and sliding its idle expiry use the pool.
 */
export interface SessionRepository {
  insert(tx: TxScope, session: Session): Promise<void>;
  /** The live session whose token hashes to `tokenHash` at `now`, with its holder. */
  findLive(tokenHash: Buffer, now: Date): Promise<LiveSession | undefined>;
  /** Slides the idle expiry of a session in use (outside any unit of work). */
  touch(id: string, lastSeenAt: Date, idleExpiresAt: Date): Promise<void>;
  markReauthenticated(tx: TxScope, id: string): Promise<void>;
  /** Revokes one session unless it already was. */
  revoke(tx: TxScope, id: string): Promise<void>;
  /** Revokes every live session of a principal; returns how many. */
  revokeAllOf(tx: TxScope, kind: Session['principalKind'], principalId: string, except?: string): Promise<number>;

  /** The latest lock still in force on any of the keys (username or address), if any. */
  lockedUntil(tx: TxScope, keys: readonly string[]): Promise<Date | undefined>;
  /** Counts one failure for a key, restarting the count when its window began before `windowStart`; returns the count. */
  countFailure(tx: TxScope, key: string, windowStart: Date): Promise<number>;
  /** Locks a key until `until` and starts a new window. */
  lockKey(tx: TxScope, key: string, until: Date): Promise<void>;
  /** Forgets a key's failures (after a successful login). */
  clearKey(tx: TxScope, key: string): Promise<void>;
}

export const SESSION_REPOSITORY = Symbol('SessionRepository');
