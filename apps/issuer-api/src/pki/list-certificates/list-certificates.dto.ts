import { ApiPropertyOptional } from '@nestjs/swagger';
import { CERTIFICATE_STATUSES, type CaCertificateStatus } from '@scm/db';
import { IsIn, IsOptional, IsUUID } from 'class-validator';

export class ListCertificatesDto {
  @ApiPropertyOptional() @IsOptional() @IsUUID() requestId?: string;
  @ApiPropertyOptional({ enum: CERTIFICATE_STATUSES }) @IsOptional() @IsIn([...CERTIFICATE_STATUSES]) status?: CaCertificateStatus;
}
