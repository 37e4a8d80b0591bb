import { ApiProperty } from '@nestjs/swagger';
import { Matches } from 'class-validator';

export class ApproveWorkerDto {
  @ApiProperty({ description: 'The fingerprint shown by the worker, as the officer read it there' })
  @Matches(/^[0-9A-Fa-f-]{64,79}$/)
  fingerprint!: string;
}
