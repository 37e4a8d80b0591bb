import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMinSize, IsArray, IsOptional, IsString, Length, Matches, ValidateNested } from 'class-validator';

const PROFILE = /^[a-z0-9][a-z0-9-]{0,39}$/;

export class IssueDto {
  @ApiProperty({ description: "the cardholder's id, UPN or e-mail address" }) @IsString() @Length(1, 320) cardholder!: string;
  @ApiPropertyOptional({ description: 'card profile (default: the default profile)' }) @IsOptional() @Matches(PROFILE) profile?: string;
}

export class BatchDto {
  @ApiPropertyOptional({ description: 'card profile of entries that name none' }) @IsOptional() @Matches(PROFILE) profile?: string;
  @ApiPropertyOptional({ description: 'your id for this batch: sending it again returns the first batch instead of a second one' })
  @IsOptional()
  @Matches(/^[A-Za-z0-9_.:-]{1,100}$/)
  reference?: string;
  @ApiProperty({ type: [IssueDto] })
  @IsArray()
  @ArrayMinSize(1)
  @ValidateNested({ each: true })
  @Type(() => IssueDto)
  requests!: IssueDto[];
}
