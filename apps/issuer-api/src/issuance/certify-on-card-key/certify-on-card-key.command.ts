import type { Actor } from '../../auth/principal';

/** The claiming worker sends the public key a card generated in an on-card slot, to be certified. */
export class CertifyOnCardKeyCommand {
  constructor(
    readonly requestId: string,
    readonly slot: string,
    /** SubjectPublicKeyInfo, DER. */
    readonly publicKey: Buffer,
    readonly workerId: string,
    readonly actor: Actor,
  ) {}
}

export interface OnCardCertificate {
  slot: string;
  serial: string;
  /** DER, base64: write it into the slot's certificate container. */
  certificate: string;
  pem: string;
  vscVersion: number;
}
