import { ApiProperty } from '@nestjs/swagger';
import { IsString, Length } from 'class-validator';

export class RevokeTemporaryCardDto {
  @ApiProperty() @IsString() @Length(1, 300) reason!: string;
}
