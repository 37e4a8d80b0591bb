import { ApiProperty } from '@nestjs/swagger';
import { IsUUID } from 'class-validator';

export class ChallengeDto {
  @ApiProperty() @IsUUID() workerId!: string;
}
