import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsEmail, IsOptional, IsString, Length, Matches, ValidateIf } from 'class-validator';

export class ChangeCardholderIdentityDto {
  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @Length(1, 200)
  name?: string;

  @ApiPropertyOptional({ description: 'the new UPN, or null to remove it' })
  @IsOptional()
  @ValidateIf((_o, v) => v !== null)
  @Matches(/^[^@\s]{1,100}@[^@\s]{1,150}$/)
  upn?: string | null;

  @ApiPropertyOptional({ description: 'the new e-mail address, or null to remove it' })
  @IsOptional()
  @ValidateIf((_o, v) => v !== null)
  @IsEmail()
  email?: string | null;

  @IsString()
  @Length(1, 500)
  reason!: string;
}
