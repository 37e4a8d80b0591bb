import { Controller, Get, Query } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Roles } from '../../trust/auth/access.decorator';
import type { CertificateView } from '../certificate-view';
import { ListCertificatesDto } from './list-certificates.dto';
import { ListCertificatesQuery } from './list-certificates.query';

@ApiTags('certificates')
@ApiBearerAuth()
@Controller('api/v1')
export class ListCertificatesController {
  constructor(private readonly queries: QueryBus) {}

  @Get('certificates')
  @Roles('security-officer', 'help-desk', 'auditor')
  @ApiOperation({ summary: 'Certificates of the issuing CA (of one issuance request with ?requestId=)' })
  list(@Query() q: ListCertificatesDto): Promise<CertificateView[]> {
    return this.queries.execute(new ListCertificatesQuery({ requestId: q.requestId, status: q.status }));
  }
}
