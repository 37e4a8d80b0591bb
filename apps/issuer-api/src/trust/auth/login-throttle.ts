import type { ApiConfig } from '../../platform/config/api-config';

export type ThrottleSettings = Pick<ApiConfig, 'SCM_LOGIN_MAX_FAILURES' | 'SCM_LOGIN_MAX_FAILURES_PER_ADDRESS' | 'SCM_LOGIN_LOCK_MINUTES'>;

/** The counters a login attempt touches: the account always, the client address when known. */
export const throttleKeys = (username: string, address?: string | null): string[] => [
  `user:${username}`,
  ...(address ? [`addr:${address}`] : []),
];

/** Failures a key may have within one window. An address gets more room: several people may share a workstation. */
export const failureLimit = (key: string, cfg: ThrottleSettings): number =>
  key.startsWith('addr:') ? cfg.SCM_LOGIN_MAX_FAILURES_PER_ADDRESS : cfg.SCM_LOGIN_MAX_FAILURES;

/** The counting window that ends now, and the end of a lock that starts now (both SCM_LOGIN_LOCK_MINUTES). */
export function throttleWindow(now: Date, cfg: ThrottleSettings): { windowStart: Date; lockUntil: Date } {
  const ms = cfg.SCM_LOGIN_LOCK_MINUTES * 60_000;
  return { windowStart: new Date(now.getTime() - ms), lockUntil: new Date(now.getTime() + ms) };
}
