import { ApiProperty } from '@nestjs/swagger';
import { IsString, Length } from 'class-validator';

export class DestroyStockCardDto {
  @ApiProperty({ description: 'why the card was destroyed' }) @IsString() @Length(1, 300) reason!: string;
}
