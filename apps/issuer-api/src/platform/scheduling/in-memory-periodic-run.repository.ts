import type { PeriodicRunOutcome, PeriodicRunRepository } from './periodic-run.repository';

/** The periodic-run record in memory, for unit specs. */
export class InMemoryPeriodicRunRepository implements PeriodicRunRepository {
  readonly runs = new Map<string, { replica: string; outcome: PeriodicRunOutcome | null }>();

  async take(job: string, periodAt: Date, replica: string): Promise<boolean> {
    const key = `${job}@${periodAt.toISOString()}`;
    if (this.runs.has(key)) return false;
    this.runs.set(key, { replica, outcome: null });
    return true;
  }

  async finish(job: string, periodAt: Date, outcome: PeriodicRunOutcome): Promise<void> {
    const run = this.runs.get(`${job}@${periodAt.toISOString()}`);
    if (run) run.outcome = outcome;
  }
}
