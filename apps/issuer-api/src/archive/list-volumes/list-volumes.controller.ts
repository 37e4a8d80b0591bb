import { Controller, Get } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { StoredVolume } from '@scm/archive';
import { Roles } from '../../trust/auth/access.decorator';
import { ListVolumesQuery } from './list-volumes.query';

@ApiTags('archive')
@ApiBearerAuth()
@Controller('api/v1/archive')
export class ListVolumesController {
  constructor(private readonly queries: QueryBus) {}

  @Get('volumes')
  @Roles('security-officer', 'auditor')
  @ApiOperation({ summary: 'Sealed volumes, newest first, with their image hashes and chain links' })
  list(): Promise<{ volumes: StoredVolume[] }> {
    return this.queries.execute(new ListVolumesQuery());
  }
}
