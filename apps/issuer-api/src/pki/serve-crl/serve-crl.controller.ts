import { Controller, Get, NotFoundException, Param, Res } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { Public } from '../../trust/auth/access.decorator';
import { ServeCrlQuery } from './serve-crl.query';

/** What relying parties fetch without credentials at the URL every certificate carries: `/crl/<ca>.crl`, the newest CRL (DER). */
@ApiExcludeController()
@Controller()
export class ServeCrlController {
  constructor(private readonly queries: QueryBus) {}

  @Get('crl/:file')
  @Public()
  async crl(@Param('file') file: string, @Res() res: Response): Promise<void> {
    const crl = await this.queries.execute(new ServeCrlQuery(file));
    if (!crl) throw new NotFoundException(`no CRL ${file}`);
    res
      .status(200)
      .type('application/pkix-crl')
      .set('Last-Modified', crl.thisUpdate.toUTCString())
      .set('Expires', crl.nextUpdate.toUTCString())
      // Short enough that a revocation is seen within minutes of being published.
      .set('Cache-Control', 'public, max-age=300')
      .send(crl.der);
  }
}
