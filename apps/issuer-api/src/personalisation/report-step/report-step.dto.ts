import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, IsArray, IsIn, IsInt, IsObject, IsOptional, IsString, Length, Min } from 'class-validator';

export class StepDto {
  @ApiProperty() @IsInt() @Min(1) attempt!: number;
  @ApiPropertyOptional() @IsOptional() @IsString() @Length(1, 40) step?: string;
  @ApiPropertyOptional() @IsOptional() @IsIn(['started', 'done', 'skipped', 'failed']) outcome?: string;
  @ApiPropertyOptional() @IsOptional() @IsObject() details?: Record<string, unknown>;
  @ApiPropertyOptional({ description: 'the plan of the attempt (every step), instead of one step' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(64)
  steps?: string[];
}
