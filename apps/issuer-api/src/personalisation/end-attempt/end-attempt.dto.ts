import { ApiProperty } from '@nestjs/swagger';
import { IsString, Length } from 'class-validator';

export class ReasonDto {
  @ApiProperty() @IsString() @Length(1, 300) reason!: string;
}
