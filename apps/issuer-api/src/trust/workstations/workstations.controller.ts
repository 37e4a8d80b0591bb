import { Controller, Get } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { WorkstationEntity } from '@scm/db';
import { Roles } from '../auth/access.decorator';
import { ListWorkstationsQuery } from './list-workstations/list-workstations.query';

@ApiTags('workstations')
@ApiBearerAuth()
@Controller('api/v1/workstations')
export class WorkstationsController {
  constructor(private readonly queries: QueryBus) {}

  @Get()
  @Roles('security-officer', 'help-desk', 'admin', 'auditor')
  @ApiOperation({ summary: 'Workstations with their readers, as their card workers last reported them' })
  list(): Promise<WorkstationEntity[]> {
    return this.queries.execute(new ListWorkstationsQuery());
  }
}
