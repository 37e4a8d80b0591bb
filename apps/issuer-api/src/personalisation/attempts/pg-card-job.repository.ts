import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { OutboxEntity } from '@scm/db';
import { jobId } from '@scm/queue';
import { type DataSource, IsNull } from 'typeorm';
import type { TxScope } from '../../platform/infra/unit-of-work';
import type { CardJobRepository } from './card-job.repository';

const cardJob = (requestId: string) => jobId('personalise-card', { requestId });

@Injectable()
export class PgCardJobRepository implements CardJobRepository {
  constructor(@InjectDataSource() private readonly ds: DataSource) {}

  async settle(tx: TxScope, requestId: string): Promise<void> {
    await tx.em.update(OutboxEntity, { jobId: cardJob(requestId), doneAt: IsNull() }, { doneAt: tx.now });
  }

  async reopen(requestId: string, opts: { relayAgain: boolean }): Promise<void> {
    await this.ds.manager.update(
      OutboxEntity,
      { jobId: cardJob(requestId) },
      opts.relayAgain ? { relayedAt: null, doneAt: null } : { doneAt: null },
    );
  }
}
