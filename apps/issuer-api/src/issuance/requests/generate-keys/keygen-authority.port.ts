import type { IssueCertificateRequest, IssuedCertificate } from '@scm/ca';
import type { VirtualSmartCard } from '@scm/vsc';
import type { TxScope } from '../../../platform/infra/unit-of-work';

/** The CA and the PIV content signer as key generation uses them (their keys are in the HSM). */
export interface KeygenAuthority {
  /**
   * Writes the card's signed objects (CHUID, CCC, Discovery, Security Object) into the VSC and
   * returns their expiry, which the card's certificates share: `validityDays` from `now`, capped
   * by the CA's and the content signer's own certificates.
   */
  writeCardObjects(vsc: VirtualSmartCard, validityDays: number, now: Date): Promise<Date>;
  /** Issues certificates in the caller's transaction (signed in parallel), in the order asked. */
  issue(tx: TxScope, requests: readonly IssueCertificateRequest[]): Promise<IssuedCertificate[]>;
  /** Forgets the opened keys after an HSM failure; the next use opens them again. */
  reset(): void;
}

export const KEYGEN_AUTHORITY = Symbol('KeygenAuthority');
