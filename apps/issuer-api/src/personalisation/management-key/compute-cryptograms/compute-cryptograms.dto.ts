import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBase64, IsIn, IsOptional, Length } from 'class-validator';

export class WitnessDto {
  @ApiProperty({ description: "the card's encrypted witness (GENERAL AUTHENTICATE 9B, tag 80), base64" })
  @IsBase64()
  @Length(8, 48)
  encryptedWitness!: string;
  @ApiPropertyOptional({
    enum: ['diversified', 'transport'],
    description: "which key: the card's diversified key (default) or its stock transport key",
  })
  @IsOptional()
  @IsIn(['diversified', 'transport'])
  key?: 'diversified' | 'transport';
}
