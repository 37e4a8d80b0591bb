/** What the readiness check asks of PostgreSQL. */
export interface HealthRepository {
  /** Resolves when the database answers a trivial query. */
  ping(): Promise<void>;
}

export const HEALTH_REPOSITORY = Symbol('HealthRepository');
