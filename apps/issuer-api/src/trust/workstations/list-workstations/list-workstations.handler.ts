import { Inject } from '@nestjs/common';
import { type IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { type Workstation, WORKSTATION_REPOSITORY, type WorkstationRepository } from '../workstation.repository';
import { ListWorkstationsQuery } from './list-workstations.query';

@QueryHandler(ListWorkstationsQuery)
export class ListWorkstationsHandler implements IQueryHandler<ListWorkstationsQuery> {
  constructor(@Inject(WORKSTATION_REPOSITORY) private readonly workstations: WorkstationRepository) {}

  execute(): Promise<Workstation[]> {
    return this.workstations.list();
  }
}
