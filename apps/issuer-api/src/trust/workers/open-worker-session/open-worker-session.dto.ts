import { ApiProperty } from '@nestjs/swagger';
import { IsBase64, IsUUID, Length, Matches } from 'class-validator';

export class WorkerLoginDto {
  @ApiProperty() @IsUUID() workerId!: string;
  @ApiProperty() @Matches(/^[0-9a-f]{64}$/) nonce!: string;
  @ApiProperty({ description: 'Ed25519 signature of scm-worker-auth-v1|<workerId>|<nonce>, base64' })
  @IsBase64()
  @Length(80, 100)
  signature!: string;
}
