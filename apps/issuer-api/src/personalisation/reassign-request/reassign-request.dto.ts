import { ApiProperty } from '@nestjs/swagger';
import { IsString, IsUUID, Length } from 'class-validator';

export class ReassignDto {
  @ApiProperty({ description: 'the approved worker that takes the request over' }) @IsUUID() workerId!: string;
  @ApiProperty({ example: 'workstation 2 broke down; the card moves to workstation 3' }) @IsString() @Length(1, 200) reason!: string;
}
