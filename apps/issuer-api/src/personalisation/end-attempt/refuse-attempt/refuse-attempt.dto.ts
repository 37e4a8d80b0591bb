import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, Length, Matches } from 'class-validator';

export class RefusalDto {
  @ApiProperty({ description: 'the step the card refused, e.g. objects or import:9d' }) @IsString() @Length(1, 40) step!: string;
  @ApiPropertyOptional({ description: 'the status word the card answered, 4 hex digits (none for a malformed answer)' })
  @IsOptional()
  @Matches(/^[0-9A-Fa-f]{4}$/)
  sw?: string;
  @ApiProperty() @IsString() @Length(1, 300) reason!: string;
}
