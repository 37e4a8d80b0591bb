import type { ProgressEvent, ProgressEventsRepository } from './progress-events.repository';

/** Progress events in memory, for specs: `emit` and `reset` play the database's part. */
export class InMemoryProgressEventsRepository implements ProgressEventsRepository {
  private readonly followers = new Set<(e: ProgressEvent) => void>();
  private readonly resets = new Set<() => void>();

  async subscribe(fn: (e: ProgressEvent) => void): Promise<() => void> {
    this.followers.add(fn);
    return () => this.followers.delete(fn);
  }

  onReset(fn: () => void): () => void {
    this.resets.add(fn);
    return () => this.resets.delete(fn);
  }

  emit(e: ProgressEvent): void {
    for (const f of [...this.followers]) f(e);
  }

  reset(): void {
    for (const f of [...this.resets]) f();
  }

  get following(): number {
    return this.followers.size;
  }
}
