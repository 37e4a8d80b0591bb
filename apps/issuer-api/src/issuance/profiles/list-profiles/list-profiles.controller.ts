import { Controller, Get } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Roles } from '../../../trust/auth/access.decorator';
import type { CardProfile } from '../card-profile';
import { ListProfilesQuery } from './list-profiles.query';

@ApiTags('profiles')
@ApiBearerAuth()
@Controller('api/v1/profiles')
export class ListProfilesController {
  constructor(private readonly queries: QueryBus) {}

  @Get()
  @Roles('security-officer', 'help-desk', 'auditor')
  @ApiOperation({ summary: 'Card profiles: per slot algorithm, certificate template and escrow policy; PIN, PUK, management key' })
  list(): Promise<CardProfile[]> {
    return this.queries.execute(new ListProfilesQuery());
  }
}
