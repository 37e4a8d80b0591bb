import { Controller, Get } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Roles } from '../../auth/access.decorator';
import type { UserView } from '../user-view';
import { ListUsersQuery } from './list-users.query';

@ApiTags('users')
@ApiBearerAuth()
@Controller('api/v1/users')
export class ListUsersController {
  constructor(private readonly queries: QueryBus) {}

  @Get()
  @Roles('admin', 'auditor')
  @ApiOperation({ summary: 'Accounts with their roles (active and pending)' })
  list(): Promise<UserView[]> {
    return this.queries.execute(new ListUsersQuery());
  }
}
