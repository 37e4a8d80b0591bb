import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsBase64, IsOptional, Length, Matches, ValidateNested } from 'class-validator';

export class SignatureDto {
  @ApiProperty() @Matches(/^[0-9a-fA-F]{2}$/) slot!: string;
  @ApiProperty() @IsBase64() @Length(8, 2000) signature!: string;
}

export class KeyManagementAnswerDto {
  @ApiProperty() @Matches(/^[0-9a-fA-F]{2}$/) slot!: string;
  @ApiProperty() @IsBase64() @Length(4, 2000) answer!: string;
}

export class ProofsDto {
  @ApiProperty({ type: [SignatureDto] })
  @IsArray()
  @ArrayMaxSize(24)
  @ValidateNested({ each: true })
  @Type(() => SignatureDto)
  signatures!: SignatureDto[];
  @ApiPropertyOptional({ type: KeyManagementAnswerDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => KeyManagementAnswerDto)
  keyManagement?: KeyManagementAnswerDto;
}
