import { Controller, Get, Param } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Roles } from '../../../trust/auth/access.decorator';
import { ListProfileVersionsQuery, type ProfileVersionView } from './list-profile-versions.query';

@ApiTags('profiles')
@ApiBearerAuth()
@Controller('api/v1/profiles')
export class ListProfileVersionsController {
  constructor(private readonly queries: QueryBus) {}

  @Get(':id/versions')
  @Roles('security-officer', 'help-desk', 'auditor')
  @ApiOperation({
    summary: 'Every approved version of a card profile (who proposed and who approved it); requests name the version they were made with',
  })
  list(@Param('id') id: string): Promise<ProfileVersionView[]> {
    return this.queries.execute(new ListProfileVersionsQuery(id));
  }
}
