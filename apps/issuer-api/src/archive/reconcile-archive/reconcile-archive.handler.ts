import { Inject } from '@nestjs/common';
import { type IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { reconcile, type ReconciliationReport } from '@scm/archive';
import { ARCHIVE_REPOSITORY, type ArchiveRepository } from '../archive.repository';
import { ReconcileArchiveQuery } from './reconcile-archive.query';

@QueryHandler(ReconcileArchiveQuery)
export class ReconcileArchiveHandler implements IQueryHandler<ReconcileArchiveQuery, ReconciliationReport> {
  constructor(@Inject(ARCHIVE_REPOSITORY) private readonly archives: ArchiveRepository) {}

  async execute(_q: ReconcileArchiveQuery): Promise<ReconciliationReport> {
    const { cards, copies } = await this.archives.reconciliationSnapshot();
    return reconcile(cards, copies);
  }
}
