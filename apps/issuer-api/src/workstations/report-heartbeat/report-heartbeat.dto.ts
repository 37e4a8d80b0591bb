import { ApiProperty } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsBoolean, IsOptional, IsString, Matches, MaxLength, ValidateNested } from 'class-validator';

export class ReaderReportDto {
  @ApiProperty({ example: 'Virtual PCD 00 00' })
  @IsString()
  @MaxLength(200)
  name!: string;

  @ApiProperty()
  @IsBoolean()
  cardPresent!: boolean;

  @ApiProperty({ nullable: true, example: '3BFD1300008131FE158073C021C057597562694B657940' })
  @IsOptional()
  @Matches(/^([0-9A-F]{2}){1,33}$/)
  atr!: string | null;
}

export class ReportHeartbeatDto {
  @ApiProperty({ example: 'ws-frontdesk-1' })
  @IsString()
  @MaxLength(200)
  host!: string;

  @ApiProperty({ type: [ReaderReportDto] })
  @IsArray()
  @ArrayMaxSize(64)
  @ValidateNested({ each: true })
  @Type(() => ReaderReportDto)
  readers!: ReaderReportDto[];
}
