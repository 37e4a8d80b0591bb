import type { HealthRepository } from './health.repository';

/** A database that is up, or down with `failure`, for specs. */
export class InMemoryHealthRepository implements HealthRepository {
  failure: Error | undefined;
  /** Never answers (a hung connection) while set. */
  hang = false;

  async ping(): Promise<void> {
    if (this.hang) await new Promise(() => undefined);
    if (this.failure) throw this.failure;
  }
}
