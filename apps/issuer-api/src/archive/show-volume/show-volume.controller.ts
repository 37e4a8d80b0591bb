import { Controller, Get, Param, ParseIntPipe } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Roles } from '../../trust/auth/access.decorator';
import { ShowVolumeQuery, type VolumeDetail } from './show-volume.query';

@ApiTags('archive')
@ApiBearerAuth()
@Controller('api/v1/archive')
export class ShowVolumeController {
  constructor(private readonly queries: QueryBus) {}

  @Get('volumes/:volume')
  @Roles('security-officer', 'auditor')
  @ApiOperation({ summary: 'One volume and the VSC versions it holds' })
  show(@Param('volume', ParseIntPipe) volume: number): Promise<VolumeDetail> {
    return this.queries.execute(new ShowVolumeQuery(volume));
  }
}
