import { Controller, Get, Param } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Roles } from '../../../trust/auth/access.decorator';
import type { CardProfile } from '../card-profile';
import { ShowProfileQuery } from './show-profile.query';

@ApiTags('profiles')
@ApiBearerAuth()
@Controller('api/v1/profiles')
export class ShowProfileController {
  constructor(private readonly queries: QueryBus) {}

  @Get(':id')
  @Roles('security-officer', 'help-desk', 'auditor')
  @ApiOperation({ summary: 'One card profile' })
  get(@Param('id') id: string): Promise<CardProfile> {
    return this.queries.execute(new ShowProfileQuery(id));
  }
}
