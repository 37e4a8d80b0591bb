import { ApiProperty } from '@nestjs/swagger';
import { IsBase64, IsInt, IsString, Length, Max, Min } from 'class-validator';
import type { WorkerRegistration } from './register-worker.command';

export class RegisterWorkerDto implements WorkerRegistration {
  @ApiProperty() @IsString() @Length(16, 100) enrollmentToken!: string;
  @ApiProperty({ example: 'frontdesk-1 ws0' }) @IsString() @Length(1, 100) name!: string;
  @ApiProperty() @IsString() @Length(1, 200) host!: string;
  @ApiProperty() @IsInt() @Min(0) @Max(999) workstation!: number;
  @ApiProperty({ description: 'Ed25519 SubjectPublicKeyInfo, DER, base64' }) @IsBase64() @Length(20, 200) signPublicKey!: string;
  @ApiProperty({ description: 'X25519 SubjectPublicKeyInfo, DER, base64' }) @IsBase64() @Length(20, 200) kexPublicKey!: string;
}
