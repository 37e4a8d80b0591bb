import { Controller, Get, NotFoundException, Param, Res } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { Public } from '../../trust/auth/access.decorator';
import { ServeCaCertificateQuery } from './serve-ca-certificate.query';

/** What relying parties fetch without credentials at the URL every certificate carries: `/ca/<ca>.crt`, the CA certificate (DER). */
@ApiExcludeController()
@Controller()
export class ServeCaCertificateController {
  constructor(private readonly queries: QueryBus) {}

  @Get('ca/:file')
  @Public()
  async caCertificate(@Param('file') file: string, @Res() res: Response): Promise<void> {
    const der = await this.queries.execute(new ServeCaCertificateQuery(file));
    if (!der) throw new NotFoundException(`no CA certificate ${file}`);
    res.status(200).type('application/pkix-cert').set('Cache-Control', 'public, max-age=3600').send(der);
  }
}
