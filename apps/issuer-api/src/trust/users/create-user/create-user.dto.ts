import { ApiProperty } from '@nestjs/swagger';
import { IsString, Length, Matches } from 'class-validator';

export class CreateUserDto {
  @ApiProperty({ example: 'alice' }) @Matches(/^[a-z0-9][a-z0-9._-]{1,62}$/i) username!: string;
  @ApiProperty({ example: 'Alice Martin' }) @IsString() @Length(1, 200) displayName!: string;
  @ApiProperty({ format: 'password', description: 'initial password, at least 12 characters' })
  @IsString()
  @Length(1, 256)
  password!: string;
}
