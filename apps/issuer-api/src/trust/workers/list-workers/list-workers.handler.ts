import { Inject } from '@nestjs/common';
import { type IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { WorkerChannel, type WorkerConnections } from '../worker-channel';
import { type WorkerView, toWorkerView } from '../worker-view';
import { WORKER_REPOSITORY, type WorkerRepository } from '../worker.repository';
import { ListWorkersQuery } from './list-workers.query';

@QueryHandler(ListWorkersQuery)
export class ListWorkersHandler implements IQueryHandler<ListWorkersQuery> {
  constructor(
    @Inject(WORKER_REPOSITORY) private readonly workers: WorkerRepository,
    @Inject(WorkerChannel) private readonly channel: WorkerConnections,
  ) {}

  async execute(): Promise<WorkerView[]> {
    const online = this.channel.connected();
    return (await this.workers.list()).map((w) => ({ ...toWorkerView(w), online: online.has(w.id) }));
  }
}
