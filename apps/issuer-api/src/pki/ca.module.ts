import { Module } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { CA_AUTHORITY_REPOSITORY } from './ca-authority.repository';
import { CaService } from './ca.service';
import { CA_STORE } from './ca-store.port';
import { CERTIFICATE_REPOSITORY } from './certificate.repository';
import { CertificateStatusService } from './certificate-status.service';
import { CrlPublisher } from './crl-publisher.service';
import { PgCaAuthorityRepository } from './pg-ca-authority.repository';
import { PgCaStoreRepository } from './pg-ca-store.repository';
import { PgCertificateRepository } from './pg-certificate.repository';
import { ChangeCertificateStatusController } from './change-certificate-status/change-certificate-status.controller';
import { ChangeCertificateStatusHandler } from './change-certificate-status/change-certificate-status.handler';
import { InitCaHandler } from './init-ca/init-ca.handler';
import { ListCasHandler } from './list-cas/list-cas.handler';
import { ListCertificatesController } from './list-certificates/list-certificates.controller';
import { ListCertificatesHandler } from './list-certificates/list-certificates.handler';
import { PublishCrlController } from './publish-crl/publish-crl.controller';
import { PublishCrlHandler } from './publish-crl/publish-crl.handler';
import { PublishCrlJob } from './publish-crl/publish-crl.job';
import { ServeCaCertificateController } from './serve-ca-certificate/serve-ca-certificate.controller';
import { ServeCaCertificateHandler } from './serve-ca-certificate/serve-ca-certificate.handler';
import { ServeCrlController } from './serve-crl/serve-crl.controller';
import { ServeCrlHandler } from './serve-crl/serve-crl.handler';
import { ShowCertificateController } from './show-certificate/show-certificate.controller';
import { ShowCertificateHandler } from './show-certificate/show-certificate.handler';

/** The issuing CA inside the API: certificates, their status, CRL publication and the public PKI routes. */
@Module({
  imports: [CqrsModule],
  controllers: [
    ListCertificatesController,
    ShowCertificateController,
    ChangeCertificateStatusController,
    PublishCrlController,
    ServeCrlController,
    ServeCaCertificateController,
  ],
  providers: [
    { provide: CA_STORE, useClass: PgCaStoreRepository },
    CaService,
    CrlPublisher,
    PublishCrlJob,
    CertificateStatusService,
    { provide: CERTIFICATE_REPOSITORY, useClass: PgCertificateRepository },
    { provide: CA_AUTHORITY_REPOSITORY, useClass: PgCaAuthorityRepository },
    ListCertificatesHandler,
    ShowCertificateHandler,
    ChangeCertificateStatusHandler,
    PublishCrlHandler,
    ServeCrlHandler,
    ServeCaCertificateHandler,
    InitCaHandler,
    ListCasHandler,
  ],
  exports: [CaService, CertificateStatusService, CERTIFICATE_REPOSITORY, CA_AUTHORITY_REPOSITORY],
})
export class CaModule {}
