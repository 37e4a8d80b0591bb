import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBase64, IsIn, IsOptional, IsString, Length, Matches, MaxLength } from 'class-validator';

export class QueueCardUpdateDto {
  @ApiProperty({ enum: ['renew', 'rekey', 'put-object', 'rotate-puk'] })
  @IsIn(['renew', 'rekey', 'put-object', 'rotate-puk'])
  kind!: 'renew' | 'rekey' | 'put-object' | 'rotate-puk';

  @ApiPropertyOptional({ description: 'rekey: the slot (9a, 9c, 9d, 9e)' })
  @IsOptional()
  @Matches(/^(9a|9c|9d|9e)$/)
  slot?: string;

  @ApiPropertyOptional({ description: 'put-object: the object tag in hex, e.g. 5fc109' })
  @IsOptional()
  @Matches(/^[0-9a-f]{2,6}$/)
  tag?: string;

  @ApiPropertyOptional({ description: 'put-object: the value (what goes inside tag 53), base64' })
  @IsOptional()
  @IsBase64()
  @MaxLength(8000)
  value?: string;

  @IsString()
  @Length(1, 500)
  reason!: string;
}
