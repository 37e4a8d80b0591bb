import { ApiPropertyOptional } from '@nestjs/swagger';
import { REISSUE_STATES, type ReissueState } from '@scm/db';
import { IsIn, IsOptional, Matches } from 'class-validator';
import { CARD_REF } from '../../shared/card-ref';

export class ListReissuesDto {
  @ApiPropertyOptional() @IsOptional() @Matches(CARD_REF) card?: string;
  @ApiPropertyOptional({ enum: REISSUE_STATES })
  @IsOptional()
  @IsIn(REISSUE_STATES as unknown as string[])
  state?: ReissueState;
}
