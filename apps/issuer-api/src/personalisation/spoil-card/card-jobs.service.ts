import { Inject, Injectable } from '@nestjs/common';
import { QUEUES } from '@scm/queue';
import { OutboxRelay } from '../../platform/outbox/outbox.relay';
import { OUTBOX_REPOSITORY, type OutboxRepository } from '../../platform/outbox/outbox.repository';
import { cardJobId } from '../attempts/attempt-rules';

/**
 * Puts a request's card job back in the queue when the request can take a card again (after a
 * spoil). Workers never complete an open request's job (they delay it), so this only matters when
 * BullMQ holds it as completed or failed: a failed job is retried, a completed one removed and
 * relayed again from its outbox row (PostgreSQL stays the record of pending work).
 */
@Injectable()
export class CardJobsService {
  constructor(
    private readonly relay: OutboxRelay,
    @Inject(OUTBOX_REPOSITORY) private readonly outbox: OutboxRepository,
  ) {}

  async rearm(requestId: string): Promise<'queued' | 'retried' | 'relayed' | 'unavailable'> {
    const id = cardJobId(requestId);
    try {
      const q = this.relay.queue(QUEUES.cards);
      const job = await q.getJob(id);
      const state = job ? await job.getState() : 'missing';
      if (state === 'failed') {
        await job!.retry('failed');
        return 'retried';
      }
      if (state === 'completed') await job!.remove();
      if (state === 'completed' || state === 'missing' || state === 'unknown') {
        await this.outbox.reopen(id, { relayAgain: true });
        this.relay.kick();
        return 'relayed';
      }
      return 'queued';
    } catch {
      // Redis is down: the outbox row is still pending, the relay's reconciliation re-queues it.
      await this.outbox.reopen(id, { relayAgain: false }).catch(() => undefined);
      return 'unavailable';
    }
  }
}
