import { ApiProperty } from '@nestjs/swagger';
import { IsBase64, Length } from 'class-validator';

export class WitnessDto {
  @ApiProperty({ description: "the card's encrypted witness (GENERAL AUTHENTICATE 9B, tag 80), base64" })
  @IsBase64()
  @Length(8, 48)
  encryptedWitness!: string;
}
