import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsBoolean, IsIn, IsOptional, IsString, Matches, MaxLength, ValidateNested } from 'class-validator';

export class StockCardLineDto {
  @ApiProperty({ description: "the card's serial (as GET SERIAL reports it)" }) @Matches(/^[0-9A-Za-z_-]{1,64}$/) serial!: string;
  @ApiProperty({ description: "the card's transport (management) key, hex" }) @Matches(/^([0-9a-fA-F]{2}){8,32}$/) transportKey!: string;
}

/** A manifest (docs/stock.md) as bin/scm sends it, or `development: true` for the factory-default batch. */
export class ImportStockBatchDto {
  @ApiPropertyOptional({ description: 'the factory-default development batch (SCM_DEV_STOCK=1 only)' })
  @IsOptional()
  @IsBoolean()
  development?: boolean;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(64) name?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(100) vendor?: string;
  @ApiPropertyOptional({ enum: ['3des', 'aes128', 'aes192', 'aes256'] })
  @IsOptional()
  @IsIn(['3des', 'aes128', 'aes192', 'aes256'])
  algorithm?: string;
  @ApiPropertyOptional({ description: "the vendor's PIV attestation root, PEM" })
  @IsOptional()
  @IsString()
  @MaxLength(20000)
  attestationRoot?: string;
  @ApiPropertyOptional({ type: [StockCardLineDto] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(10000)
  @ValidateNested({ each: true })
  @Type(() => StockCardLineDto)
  cards?: StockCardLineDto[];
}
