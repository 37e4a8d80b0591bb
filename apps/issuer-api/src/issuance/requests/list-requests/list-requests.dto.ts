import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsUUID, Max, Min } from 'class-validator';
import { REQUEST_STATES, type RequestState } from '../request-state';

export class ListDto {
  @ApiPropertyOptional() @IsOptional() @IsUUID() batch?: string;
  @ApiPropertyOptional() @IsOptional() @IsUUID() cardholder?: string;
  @ApiPropertyOptional({ enum: REQUEST_STATES }) @IsOptional() @IsIn(REQUEST_STATES as unknown as string[]) state?: RequestState;
  @ApiPropertyOptional() @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(20000) limit?: number;
  @ApiPropertyOptional() @IsOptional() @Type(() => Number) @IsInt() @Min(0) offset?: number;
}
