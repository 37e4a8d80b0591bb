import { ApiProperty } from '@nestjs/swagger';
import { IsUUID } from 'class-validator';

export class KeyRecoveryQuery {
  @ApiProperty({ description: 'the approval request that made it' }) @IsUUID() approval!: string;
}
