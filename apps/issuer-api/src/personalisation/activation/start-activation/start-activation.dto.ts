import { ApiProperty } from '@nestjs/swagger';
import { IsInt, IsString, Length, Matches, Max, Min } from 'class-validator';
import { SERIAL } from '../../worker-principal';

export class StartActivationDto {
  @ApiProperty({ description: "the card's serial" }) @Matches(SERIAL) card!: string;
  @ApiProperty({ description: 'the workstation where the cardholder types the PIN' }) @IsInt() @Min(0) @Max(999) workstation!: number;
  @ApiProperty({
    description: 'how the identity was checked (document type and reference, who checked)',
    example: 'passport checked in person',
  })
  @IsString()
  @Length(3, 200)
  identityCheck!: string;
}
