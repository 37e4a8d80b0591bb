import { Body, Controller, Delete, Get, HttpCode, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { ApiBearerAuth, ApiOperation, ApiProperty, ApiTags } from '@nestjs/swagger';
import { ROLES, type Role } from '@scm/db';
import { IsIn, IsString, Length, Matches } from 'class-validator';
import type { DataSource } from 'typeorm';
import { Authenticated, Roles } from '../auth/access.decorator';
import { type Actor, CurrentActor, CurrentPrincipal, type Principal } from '../auth/principal';
import { type Tx, UnitOfWork } from '../../platform/infra/unit-of-work';
import { ApiError, ApiErrorCode } from '../../platform/http/api-errors';
import { UserError } from './user-errors';
import { type UserView, UsersService } from './users.service';

export class CreateUserDto {
  @ApiProperty({ example: 'alice' }) @Matches(/^[a-z0-9][a-z0-9._-]{1,62}$/i) username!: string;
  @ApiProperty({ example: 'Alice Martin' }) @IsString() @Length(1, 200) displayName!: string;
  @ApiProperty({ format: 'password', description: 'initial password, at least 12 characters' })
  @IsString()
  @Length(1, 256)
  password!: string;
}

export class RoleDto {
  @ApiProperty({ enum: ROLES }) @IsIn(ROLES as unknown as string[]) role!: Role;
}

export class ChangePasswordDto {
  @ApiProperty({ format: 'password' }) @IsString() @Length(1, 256) currentPassword!: string;
  @ApiProperty({ format: 'password' }) @IsString() @Length(1, 256) newPassword!: string;
}

@ApiTags('users')
@ApiBearerAuth()
@Controller('api/v1/users')
export class UsersController {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly users: UsersService,
    @InjectDataSource() private readonly ds: DataSource,
  ) {}

  private run<T>(actor: Actor, fn: (tx: Tx) => Promise<T | UserError>): Promise<T> {
    return this.uow.run(actor, async (tx) => {
      const r = await fn(tx);
      return r instanceof UserError ? tx.refuse(r) : r;
    });
  }

  @Get()
  @Roles('admin', 'auditor')
  @ApiOperation({ summary: 'Accounts with their roles (active and pending)' })
  list(): Promise<UserView[]> {
    return this.users.list({ em: this.ds.manager });
  }

  @Post()
  @Roles('admin')
  @ApiOperation({ summary: 'Create an account (no roles until a grant is approved)' })
  create(@Body() dto: CreateUserDto, @CurrentActor() actor: Actor): Promise<UserView> {
    return this.run(actor, (tx) => this.users.create(tx, dto));
  }

  @Post(':id/roles')
  @Roles('admin')
  @ApiOperation({ summary: 'Request a role for a user; takes effect when a second admin approves' })
  requestRole(
    @Param('id', ParseUUIDPipe) id: string,
    @Body() dto: RoleDto,
    @CurrentPrincipal() p: Principal,
    @CurrentActor() actor: Actor,
  ) {
    return this.run(actor, (tx) => this.users.requestRole(tx, id, dto.role, p.id));
  }

  @Delete(':id/roles/:role')
  @Roles('admin')
  @HttpCode(204)
  @ApiOperation({ summary: 'Revoke a role (or withdraw a pending grant)' })
  async revokeRole(@Param('id', ParseUUIDPipe) id: string, @Param('role') role: string, @CurrentActor() actor: Actor): Promise<void> {
    if (!(ROLES as readonly string[]).includes(role))
      throw new ApiError(ApiErrorCode.Invalid, `no role "${role}"; roles: ${ROLES.join(', ')}`);
    await this.run(actor, (tx) => this.users.revokeRole(tx, id, role as Role));
  }

  @Post(':id/disable')
  @Roles('admin')
  @HttpCode(204)
  @ApiOperation({ summary: 'Disable an account and end its sessions' })
  async disable(@Param('id', ParseUUIDPipe) id: string, @CurrentActor() actor: Actor): Promise<void> {
    await this.run(actor, (tx) => this.users.setDisabled(tx, id, true));
  }

  @Post(':id/enable')
  @Roles('admin')
  @HttpCode(204)
  @ApiOperation({ summary: 'Enable a disabled account' })
  async enable(@Param('id', ParseUUIDPipe) id: string, @CurrentActor() actor: Actor): Promise<void> {
    await this.run(actor, (tx) => this.users.setDisabled(tx, id, false));
  }

  @Post('me/password')
  @Authenticated()
  @HttpCode(204)
  @ApiOperation({ summary: 'Change your own password' })
  async changePassword(@Body() dto: ChangePasswordDto, @CurrentPrincipal() p: Principal, @CurrentActor() actor: Actor): Promise<void> {
    await this.run(actor, (tx) => this.users.changePassword(tx, p.id, dto.currentPassword, dto.newPassword));
  }
}
