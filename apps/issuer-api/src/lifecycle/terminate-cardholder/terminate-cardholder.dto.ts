import { ApiProperty } from '@nestjs/swagger';
import { IsString, Length } from 'class-validator';

export class TerminateCardholderDto {
  @ApiProperty({ description: 'why the cardholder leaves (recorded in the audit and the termination record)' })
  @IsString()
  @Length(1, 500)
  reason!: string;
}
