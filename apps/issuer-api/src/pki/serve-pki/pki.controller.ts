import { Controller, Get, NotFoundException, Param, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { Public } from '../../trust/auth/access.decorator';
import { CaService } from '../ca.service';

const ID = /^([a-z0-9][a-z0-9-]{0,39})\.(crl|crt)$/;

/**
 * What relying parties fetch without credentials, at the URLs every certificate carries:
 * `/crl/<ca>.crl` (the newest CRL, DER) and `/ca/<ca>.crt` (the CA certificate, DER).
 */
@ApiExcludeController()
@Controller()
export class PkiController {
  constructor(private readonly cas: CaService) {}

  @Get('crl/:file')
  @Public()
  async crl(@Param('file') file: string, @Res() res: Response): Promise<void> {
    const m = ID.exec(file);
    const crl = m && m[2] === 'crl' ? await this.cas.store.latestCrl(m[1]) : undefined;
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

  @Get('ca/:file')
  @Public()
  async caCertificate(@Param('file') file: string, @Res() res: Response): Promise<void> {
    const m = ID.exec(file);
    const a = m && m[2] === 'crt' ? await this.cas.store.getAuthority(m[1]) : undefined;
    if (!a || a.role === 'content-signer') throw new NotFoundException(`no CA certificate ${file}`);
    res.status(200).type('application/pkix-cert').set('Cache-Control', 'public, max-age=3600').send(a.der);
  }
}
