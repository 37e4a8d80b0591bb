import { X509Certificate } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { CertificateTemplateName, IssuedCertificate, RevocationReason } from '@scm/ca';
import { CARDHOLDER_REPOSITORY, type CardholderRepository } from '../issuance/cardholders/cardholder.repository';
import type { IssuanceRequest } from '../issuance/requests/request.repository';
import { CaService } from '../pki/ca.service';
import { CERTIFICATE_REPOSITORY, type CertificateRepository, type IssuedCertificateRecord } from '../pki/certificate.repository';
import { CertificateStatusService } from '../pki/certificate-status.service';
import { API_CONFIG, type ApiConfig } from '../platform/config/api-config';
import type { Tx } from '../platform/infra/unit-of-work';

const DAY_MS = 86_400_000;

/** A public key to certify for a slot of a request's card. */
export interface SlotKey {
  slot: string;
  template: CertificateTemplateName;
  /** SubjectPublicKeyInfo, DER. */
  spki: Uint8Array;
}

/**
 * The certificates of a request's card, inside the caller's transaction: issuing them for slot
 * keys (the cardholder's identity, the VSC's id as the card UUID), finding the valid ones, and
 * revoking those a failure or a new key makes worthless.
 */
@Injectable()
export class CardCertificatesService {
  constructor(
    @Inject(CERTIFICATE_REPOSITORY) private readonly issued: CertificateRepository,
    private readonly statuses: CertificateStatusService,
    private readonly cas: CaService,
    @Inject(CARDHOLDER_REPOSITORY) private readonly cardholders: CardholderRepository,
    @Inject(API_CONFIG) private readonly cfg: ApiConfig,
  ) {}

  /** Revokes the request's certificates that are still valid or on hold (all, or those of `slots`); returns their serials. */
  async revoke(tx: Tx, requestId: string, reason: RevocationReason, comment: string, slots?: readonly string[]): Promise<string[]> {
    const certs = await this.issued.find({ requestId, statuses: ['valid', 'on-hold'] }, tx);
    const out: string[] = [];
    for (const c of certs) {
      const slot = c.reference?.slot;
      if (slots && (!slot || !slots.includes(slot))) continue;
      await this.statuses.apply(tx, c.serial, { action: 'revoke', reason }, comment);
      out.push(c.serial);
    }
    return out;
  }

  /** The request's valid certificates by slot. */
  async validBySlot(tx: Tx, requestId: string): Promise<Map<string, IssuedCertificateRecord>> {
    const certs = await this.issued.find({ requestId, statuses: ['valid'] }, tx);
    return new Map(certs.filter((c) => c.reference?.slot).map((c) => [c.reference!.slot, c]));
  }

  /** The request's certificates of a slot that are not revoked, oldest first. */
  unrevoked(tx: Tx, requestId: string, slot: string): Promise<IssuedCertificateRecord[]> {
    return this.issued.find({ requestId, slot, statuses: ['valid', 'on-hold'] }, tx);
  }

  /** A card's certificates end with its other certificates (the CHUID expiry), else after the profile's validity. */
  async expiry(tx: Tx, request: IssuanceRequest): Promise<Date> {
    return (await this.issued.latestNotAfter(request.id, tx)) ?? new Date(tx.now.getTime() + request.profile.validityDays * DAY_MS);
  }

  /** Certifies slot keys of the request's card, in the caller's transaction, in order. */
  async issue(tx: Tx, request: IssuanceRequest, vscId: string, keys: readonly SlotKey[], notAfter: Date): Promise<IssuedCertificate[]> {
    const holder = await this.cardholders.get(request.cardholderId, tx);
    if (!holder) throw new Error(`cardholder ${request.cardholderId} of request ${request.id} is gone`);
    const ca = await this.cas.ca(tx);
    return this.cas.inTx(tx, async () => {
      const out: IssuedCertificate[] = [];
      for (const k of keys) {
        out.push(
          await ca.issue({
            template: k.template,
            publicKey: k.spki,
            // The card authentication certificate names no person.
            subject: k.slot === '9e' ? undefined : { commonName: holder.name, organization: this.cfg.SCM_ORGANIZATION },
            identity: { cardUuid: vscId, upn: holder.upn ?? undefined, email: holder.email ?? undefined },
            validity: { notAfter },
            reference: { requestId: request.id, vscId, slot: k.slot },
          }),
        );
      }
      return out;
    });
  }

  /** The issuing CA's certificate, when the CA store has it. */
  async issuingCertificate(tx: Tx): Promise<X509Certificate | undefined> {
    const der = await this.cas.issuingCertificate(tx);
    return der ? new X509Certificate(der) : undefined;
  }
}
