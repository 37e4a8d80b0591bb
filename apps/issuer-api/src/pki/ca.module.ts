import { Module } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { CaService } from './ca.service';
import { CertificatesController } from './certificates.controller';
import { ChangeCertificateStatusHandler } from './change-certificate-status/change-certificate-status.handler';
import { ListCertificatesHandler } from './list-certificates/list-certificates.handler';
import { PublishCrlService } from './publish-crl/publish-crl.service';
import { PkiController } from './serve-pki/pki.controller';

/** The issuing CA inside the API: certificates, their status, CRL publication and the public PKI routes. */
@Module({
  imports: [CqrsModule],
  controllers: [CertificatesController, PkiController],
  providers: [CaService, PublishCrlService, ChangeCertificateStatusHandler, ListCertificatesHandler],
  exports: [CaService, PublishCrlService, ChangeCertificateStatusHandler],
})
export class CaModule {}
