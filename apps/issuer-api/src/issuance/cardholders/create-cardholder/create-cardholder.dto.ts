import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, IsArray, IsOptional, IsString, Length } from 'class-validator';

export class CardholderDto {
  @ApiProperty({ example: 'Alice Martin' }) @IsString() @Length(0, 300) name!: string;
  @ApiPropertyOptional({ example: 'alice.martin@example.org' }) @IsOptional() @IsString() @Length(0, 320) email?: string;
  @ApiPropertyOptional({ example: 'amartin@corp.example.org', description: 'user principal name (9A certificate, logon)' })
  @IsOptional()
  @IsString()
  @Length(0, 320)
  upn?: string;
  @ApiPropertyOptional({ type: [String], description: 'organisation ids (employee number, department…)' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(20)
  @IsString({ each: true })
  orgIds?: string[];
}
