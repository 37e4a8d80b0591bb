import { Module } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { CaService } from './ca.service';
import { CERTIFICATE_REPOSITORY } from './certificate.repository';
import { CertificateStatusService } from './certificate-status.service';
import { PgCertificateRepository } from './pg-certificate.repository';
import { CertificatesController } from './certificates.controller';
import { ChangeCertificateStatusHandler } from './change-certificate-status/change-certificate-status.handler';
import { ListCertificatesHandler } from './list-certificates/list-certificates.handler';
import { PublishCrlService } from './publish-crl/publish-crl.service';
import { PkiController } from './serve-pki/pki.controller';

/** The issuing CA inside the API: certificates, their status, CRL publication and the public PKI routes. */
@Module({
  imports: [CqrsModule],
  controllers: [CertificatesController, PkiController],
  providers: [
    CaService,
    PublishCrlService,
    CertificateStatusService,
    { provide: CERTIFICATE_REPOSITORY, useClass: PgCertificateRepository },
    ChangeCertificateStatusHandler,
    ListCertificatesHandler,
  ],
  exports: [CaService, PublishCrlService, CertificateStatusService, CERTIFICATE_REPOSITORY],
})
export class CaModule {}
