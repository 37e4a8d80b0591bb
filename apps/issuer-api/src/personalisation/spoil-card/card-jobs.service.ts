import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { jobId, QUEUES } from '@scm/queue';
import type { DataSource } from 'typeorm';
import { OutboxRelay } from '../../platform/outbox/outbox.relay';

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
    @InjectDataSource() private readonly ds: DataSource,
  ) {}

  async rearm(requestId: string): Promise<'queued' | 'retried' | 'relayed' | 'unavailable'> {
    const id = jobId('personalise-card', { requestId });
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
        await this.ds.query(`UPDATE outbox SET relayed_at = NULL, done_at = NULL WHERE job_id = $1`, [id]);
        this.relay.kick();
        return 'relayed';
      }
      return 'queued';
    } catch {
      // Redis is down: the outbox row is still pending, the relay's reconciliation re-queues it.
      await this.ds.query(`UPDATE outbox SET done_at = NULL WHERE job_id = $1`, [id]).catch(() => undefined);
      return 'unavailable';
    }
  }
}
