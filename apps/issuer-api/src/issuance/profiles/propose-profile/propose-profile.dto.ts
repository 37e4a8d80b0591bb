import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsInt, IsObject, IsOptional, IsString, Length, Min } from 'class-validator';

export class ProposeProfileDto {
  @ApiProperty({ description: 'what the profile is for' }) @IsString() @Length(1, 200) description!: string;
  @ApiProperty({ description: 'slots, pin, puk, managementKey, validityDays, cardCapabilities (docs/card-profile.md section 4)' })
  @IsObject()
  definition!: Record<string, unknown>;
  @ApiPropertyOptional({ description: 'the version this edit starts from: refused when the profile moved on meanwhile' })
  @IsOptional()
  @IsInt()
  @Min(1)
  basedOn?: number;
}
