import { Inject, Injectable } from '@nestjs/common';
import { API_CONFIG } from '../../platform/config/api-config';
import type { TxScope } from '../../platform/infra/unit-of-work';
import { failureLimit, type ThrottleSettings, throttleWindow } from './login-throttle';
import { SESSION_REPOSITORY, type SessionRepository } from './session.repository';

/** Locks an account (and an address) after repeated failed logins, for SCM_LOGIN_LOCK_MINUTES. */
@Injectable()
export class LoginThrottleService {
  constructor(
    @Inject(SESSION_REPOSITORY) private readonly sessions: SessionRepository,
    @Inject(API_CONFIG) private readonly cfg: ThrottleSettings,
  ) {}

  /** The end of the lock in force on any of the keys, if any. */
  lockedUntil(tx: TxScope, keys: readonly string[]): Promise<Date | undefined> {
    return this.sessions.lockedUntil(tx, keys);
  }

  /** Counts a failure on every key; returns the end of the lock when one of them reached its limit. */
  async recordFailure(tx: TxScope, keys: readonly string[]): Promise<Date | undefined> {
    const { windowStart, lockUntil } = throttleWindow(tx.now, this.cfg);
    let locked: Date | undefined;
    for (const key of keys) {
      if ((await this.sessions.countFailure(tx, key, windowStart)) >= failureLimit(key, this.cfg)) {
        await this.sessions.lockKey(tx, key, lockUntil);
        locked = lockUntil;
      }
    }
    return locked;
  }

  /** A successful login forgets the account's failures (the address keeps its count). */
  clear(tx: TxScope, key: string): Promise<void> {
    return this.sessions.clearKey(tx, key);
  }
}
