import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { UnitOfWork } from '../../platform/infra/unit-of-work';
import { CertifyOnCardKeyCommand, CertifyOnCardKeysCommand, type OnCardCertificate } from './certify-on-card-key.command';
import { OnCardCertification } from './on-card-certification.service';

/**
 * Certifies a key a card generated in an on-card slot, for the worker that claimed the card of a
 * request being personalised. The VSC gets a new sealed version with the slot's public key and
 * certificate (never a private key). Sending the same key again returns the same certificate; a
 * new key for the slot supersedes (revokes) the earlier certificate.
 */
@CommandHandler(CertifyOnCardKeyCommand)
export class CertifyOnCardKeyHandler implements ICommandHandler<CertifyOnCardKeyCommand, OnCardCertificate> {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly certification: OnCardCertification,
  ) {}

  async execute(c: CertifyOnCardKeyCommand): Promise<OnCardCertificate> {
    const [cert] = await this.uow.run(c.actor, (tx) =>
      this.certification.certify(tx, c.requestId, c.workerId, [
        { slot: c.slot, publicKey: c.publicKey, ...(c.attestation ? { attestation: c.attestation } : {}) },
      ]),
    );
    return cert!;
  }
}

/** Certifies every key a card generated, in one transaction and one new VSC version (the worker's one call per card). */
@CommandHandler(CertifyOnCardKeysCommand)
export class CertifyOnCardKeysHandler implements ICommandHandler<CertifyOnCardKeysCommand, OnCardCertificate[]> {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly certification: OnCardCertification,
  ) {}

  execute(c: CertifyOnCardKeysCommand): Promise<OnCardCertificate[]> {
    return this.uow.run(c.actor, (tx) => this.certification.certify(tx, c.requestId, c.workerId, c.keys));
  }
}
