import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsOptional, IsString, Length } from 'class-validator';

export class ActivationOutcomeDto {
  @ApiProperty() @IsBoolean() ok!: boolean;
  @ApiPropertyOptional() @IsOptional() @IsString() @Length(1, 300) reason?: string;
}
