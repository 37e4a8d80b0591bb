import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, IsUUID, Length, Matches } from 'class-validator';
import { CARD_REF } from '../../shared/card-ref';

export class RequestKeyRecoveryDto {
  @ApiPropertyOptional({ description: "a card's id or serial (its cardholder's keys are recovered)" })
  @IsOptional()
  @Matches(CARD_REF)
  card?: string;
  @ApiPropertyOptional({ description: 'a cardholder id' }) @IsOptional() @IsUUID() cardholder?: string;
  @ApiProperty({ description: 'why (audited, shown to the approvers)' }) @IsString() @Length(1, 300) reason!: string;
}
