import type { TxScope } from '../../platform/infra/unit-of-work';
import type { CardJobRepository } from './card-job.repository';

/** Card jobs in memory, for handler specs: which were settled and reopened. */
export class InMemoryCardJobRepository implements CardJobRepository {
  readonly settled = new Set<string>();
  readonly reopened: Array<{ requestId: string; relayAgain: boolean }> = [];

  async settle(_tx: TxScope, requestId: string): Promise<void> {
    this.settled.add(requestId);
  }

  async reopen(requestId: string, opts: { relayAgain: boolean }): Promise<void> {
    this.settled.delete(requestId);
    this.reopened.push({ requestId, ...opts });
  }
}
