import type { RequestEvent } from '../request.repository';
import type { RequestEventsRepository } from './request-events.repository';

/** Request changes announced by hand, for specs of followers. */
export class InMemoryRequestEventsRepository implements RequestEventsRepository {
  private readonly listeners = new Set<(e: RequestEvent) => void>();
  private readonly resets = new Set<() => void>();

  get followers(): number {
    return this.listeners.size;
  }

  async subscribe(fn: (e: RequestEvent) => void): Promise<() => void> {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  onReset(fn: () => void): () => void {
    this.resets.add(fn);
    return () => this.resets.delete(fn);
  }

  emit(e: RequestEvent): void {
    for (const fn of [...this.listeners]) fn(e);
  }

  reset(): void {
    for (const fn of [...this.resets]) fn();
  }
}
