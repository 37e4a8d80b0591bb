import { ApiProperty } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsArray, ValidateNested } from 'class-validator';
import { CardholderDto } from '../create-cardholder/create-cardholder.dto';

export class ImportCardholdersDto {
  @ApiProperty({ type: [CardholderDto] })
  @IsArray()
  @ValidateNested({ each: true })
  @Type(() => CardholderDto)
  cardholders!: CardholderDto[];
}
