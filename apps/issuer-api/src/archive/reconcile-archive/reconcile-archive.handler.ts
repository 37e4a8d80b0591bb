import { IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { InjectDataSource } from '@nestjs/typeorm';
import { PgArchiveSource, reconcile, type ReconciliationReport } from '@scm/archive';
import type { DataSource } from 'typeorm';
import { ReconcileArchiveQuery } from './reconcile-archive.query';

@QueryHandler(ReconcileArchiveQuery)
export class ReconcileArchiveHandler implements IQueryHandler<ReconcileArchiveQuery, ReconciliationReport> {
  constructor(@InjectDataSource() private readonly ds: DataSource) {}

  async execute(): Promise<ReconciliationReport> {
    // One snapshot, so a volume sealed meanwhile is seen whole or not at all.
    return this.ds.transaction('REPEATABLE READ', async (em) => {
      const store = new PgArchiveSource(em);
      return reconcile(await store.issuedCards(), await store.archivedCopies());
    });
  }
}
