import { Controller, Get, NotFoundException, Param } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Roles } from '../../trust/auth/access.decorator';
import type { CertificateView } from '../certificate-view';
import { ShowCertificateQuery } from './show-certificate.query';

@ApiTags('certificates')
@ApiBearerAuth()
@Controller('api/v1')
export class ShowCertificateController {
  constructor(private readonly queries: QueryBus) {}

  @Get('certificates/:serial')
  @Roles('security-officer', 'help-desk', 'auditor')
  @ApiOperation({ summary: 'A certificate and its status' })
  async get(@Param('serial') serial: string): Promise<CertificateView> {
    const c = await this.queries.execute(new ShowCertificateQuery(serial));
    if (!c) throw new NotFoundException(`no certificate ${serial}`);
    return c;
  }
}
