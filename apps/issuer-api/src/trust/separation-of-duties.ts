import type { ApiConfig } from '../platform/config/api-config';

/**
 * Separation of duties (FIPS 201's sponsor, registrar, issuer and activator): no one person makes
 * a working card for anyone. On unless a lab configuration relaxes it (SCM_SEPARATION_OF_DUTIES,
 * which /health reports).
 */
export type DutySettings = Partial<Pick<ApiConfig, 'SCM_SEPARATION_OF_DUTIES'>>;

/** Whether the rules apply (they do unless the configuration says `relaxed`). */
export const dutiesSeparated = (cfg: DutySettings): boolean => cfg.SCM_SEPARATION_OF_DUTIES !== 'relaxed';

/** The user id in an actor string (`user:<id>`), or null for anyone else (system, worker, CLI). */
export const userIdOf = (actor: string): string | null => (actor.startsWith('user:') ? actor.slice(5) : null);
