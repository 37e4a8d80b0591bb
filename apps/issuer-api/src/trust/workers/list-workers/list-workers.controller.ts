import { Controller, Get } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Roles } from '../../auth/access.decorator';
import type { WorkerView } from '../worker-view';
import { ListWorkersQuery } from './list-workers.query';

@ApiTags('workers')
@Controller('api/v1/workers')
export class ListWorkersController {
  constructor(private readonly queries: QueryBus) {}

  @Get()
  @Roles('security-officer', 'admin', 'auditor')
  @ApiBearerAuth()
  @ApiOperation({ summary: 'Registered card workers, their fingerprints, status and whether they are connected' })
  list(): Promise<WorkerView[]> {
    return this.queries.execute(new ListWorkersQuery());
  }
}
