import { ApiProperty } from '@nestjs/swagger';
import { IsInt, IsString, Length, Matches, Max, Min } from 'class-validator';
import { CARD_REF } from '../../shared/card-ref';

export class StartUnblockDto {
  @ApiProperty({ description: "the card's serial (or id)" }) @Matches(CARD_REF) card!: string;
  @ApiProperty({ description: 'the workstation where the cardholder types the new PIN' }) @IsInt() @Min(0) @Max(999) workstation!: number;
  @ApiProperty({ description: 'how the identity was checked (audited)' }) @IsString() @Length(1, 200) identityCheck!: string;
}
