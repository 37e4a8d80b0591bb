import { ApiProperty } from '@nestjs/swagger';
import { IsString, Length } from 'class-validator';

export class RetryDto {
  @ApiProperty({ description: 'why the card should be tried again (kept in the audit trail)' })
  @IsString()
  @Length(1, 200)
  reason!: string;
}
