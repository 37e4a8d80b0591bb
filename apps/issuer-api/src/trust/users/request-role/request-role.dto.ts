import { ApiProperty } from '@nestjs/swagger';
import { ROLES, type Role } from '@scm/db';
import { IsIn } from 'class-validator';

export class RoleDto {
  @ApiProperty({ enum: ROLES }) @IsIn(ROLES as unknown as string[]) role!: Role;
}
