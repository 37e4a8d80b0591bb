import { ApiProperty } from '@nestjs/swagger';
import { IsString, Length } from 'class-validator';

export class ChangePasswordDto {
  @ApiProperty({ format: 'password' }) @IsString() @Length(1, 256) currentPassword!: string;
  @ApiProperty({ format: 'password' }) @IsString() @Length(1, 256) newPassword!: string;
}
