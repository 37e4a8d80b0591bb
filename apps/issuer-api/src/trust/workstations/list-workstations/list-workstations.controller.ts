import { Controller, Get } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Roles } from '../../auth/access.decorator';
import type { Workstation } from '../workstation.repository';
import { ListWorkstationsQuery } from './list-workstations.query';

@ApiTags('workstations')
@ApiBearerAuth()
@Controller('api/v1/workstations')
export class ListWorkstationsController {
  constructor(private readonly queries: QueryBus) {}

  @Get()
  @Roles('security-officer', 'help-desk', 'admin', 'auditor')
  @ApiOperation({ summary: 'Workstations with their readers, as their card workers last reported them' })
  list(): Promise<Workstation[]> {
    return this.queries.execute(new ListWorkstationsQuery());
  }
}
