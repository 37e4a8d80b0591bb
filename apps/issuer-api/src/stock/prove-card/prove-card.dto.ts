import { ApiProperty } from '@nestjs/swagger';
import { IsBase64, IsIn, IsUUID, Length, Matches } from 'class-validator';

export class ProveCardDto {
  @ApiProperty() @IsUUID() requestId!: string;
  @ApiProperty({ description: "the card's serial (Yubico GET SERIAL, decimal)" }) @Matches(/^[0-9A-Za-z_-]{1,64}$/) serial!: string;
  @ApiProperty({ enum: ['3des', 'aes128', 'aes192', 'aes256'], description: "the card's management-key algorithm (GET METADATA 9B)" })
  @IsIn(['3des', 'aes128', 'aes192', 'aes256'])
  algorithm!: string;
  @ApiProperty({ description: "the card's encrypted witness (GENERAL AUTHENTICATE 9B, tag 80), base64" })
  @IsBase64()
  @Length(8, 48)
  encryptedWitness!: string;
}
