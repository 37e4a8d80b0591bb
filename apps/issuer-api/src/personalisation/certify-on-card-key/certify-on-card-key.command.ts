import { Command } from '@nestjs/cqrs';
import type { OnCardCertificate } from '@scm/personalisation';
import type { Actor } from '../../trust/auth/principal';
import type { OnCardAttestationInput } from '../../stock/attestation-rules';
export type { OnCardCertificate } from '@scm/personalisation';
import type { OnCardKeyInput } from './on-card-certification.service';

/** The claiming worker sends the public key a card generated in an on-card slot, to be certified. */
export class CertifyOnCardKeyCommand extends Command<OnCardCertificate> {
  constructor(
    readonly requestId: string,
    readonly slot: string,
    /** SubjectPublicKeyInfo, DER. */
    readonly publicKey: Buffer,
    readonly workerId: string,
    readonly actor: Actor,
    /** The card's PIV attestation of the key (needed for stock that attests its keys). */
    readonly attestation?: OnCardAttestationInput,
  ) {
    super();
  }
}

/** The claiming worker sends every public key the card generated, to be certified together. */
export class CertifyOnCardKeysCommand extends Command<OnCardCertificate[]> {
  constructor(
    readonly requestId: string,
    readonly keys: readonly OnCardKeyInput[],
    readonly workerId: string,
    readonly actor: Actor,
  ) {
    super();
  }
}
