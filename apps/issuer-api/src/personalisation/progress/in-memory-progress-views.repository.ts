import type { InMemoryCardRepository } from '../../issuance/cards/in-memory-card.repository';
import type { InMemoryCardholderRepository } from '../../issuance/cardholders/in-memory-cardholder.repository';
import type { InMemoryRequestRepository } from '../../issuance/requests/in-memory-request.repository';
import type { InMemoryPersonalisationRepository } from '../attempts/in-memory-personalisation.repository';
import type { CardProgress, ProgressViewsRepository, StepLogEntry } from './progress-views.repository';

/** The progress read models over in-memory repositories, for specs. */
export class InMemoryProgressViewsRepository implements ProgressViewsRepository {
  constructor(
    private readonly s: {
      requests: InMemoryRequestRepository;
      cardholders: InMemoryCardholderRepository;
      cards: InMemoryCardRepository;
      attempts: InMemoryPersonalisationRepository;
    },
  ) {}

  async snapshot(filter: { batchId: string } | { requestId: string }): Promise<CardProgress[]> {
    return [...this.s.requests.rows.values()]
      .filter((r) => ('batchId' in filter ? r.batchId === filter.batchId : r.id === filter.requestId))
      .filter((r) => this.s.cardholders.rows.has(r.cardholderId))
      .sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime() || a.id.localeCompare(b.id))
      .map((r) => {
        const p = this.s.attempts.rows.get(r.id);
        return {
          requestId: r.id,
          cardholder: this.s.cardholders.rows.get(r.cardholderId)!.name,
          state: r.state,
          failure: r.failure,
          serial: (r.cardId && this.s.cards.rows.get(r.cardId)?.serial) ?? null,
          attempt: p?.attempt ?? null,
          stepsDone: p?.stepsDone ?? 0,
          stepsTotal: p?.stepsTotal ?? null,
          lastStep: p?.lastStep ?? null,
        };
      });
  }

  async steps(requestId: string): Promise<StepLogEntry[]> {
    return this.s.attempts.steps
      .filter((s) => s.requestId === requestId)
      .map((s) => ({
        attempt: s.attempt,
        step: s.step,
        outcome: s.outcome,
        details: s.details,
        at: s.at,
        serial: (s.cardId && this.s.cards.rows.get(s.cardId)?.serial) ?? null,
        workerId: s.workerId,
      }));
  }
}
