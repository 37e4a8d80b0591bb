import { ApiProperty } from '@nestjs/swagger';
import { IsString, Length } from 'class-validator';

export class SpoilDto {
  @ApiProperty({ example: 'pulled out during personalisation; card bent' }) @IsString() @Length(1, 200) reason!: string;
}
