import { type IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { InjectRepository } from '@nestjs/typeorm';
import { WorkstationEntity } from '@scm/db';
import type { Repository } from 'typeorm';
import { ListWorkstationsQuery } from './list-workstations.query';

@QueryHandler(ListWorkstationsQuery)
export class ListWorkstationsHandler implements IQueryHandler<ListWorkstationsQuery, WorkstationEntity[]> {
  constructor(@InjectRepository(WorkstationEntity) private readonly repo: Repository<WorkstationEntity>) {}

  execute(): Promise<WorkstationEntity[]> {
    return this.repo.find({ order: { id: 'ASC' } });
  }
}
