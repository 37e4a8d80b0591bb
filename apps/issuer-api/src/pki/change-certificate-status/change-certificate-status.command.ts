import type { RevocationReason } from '@scm/ca';
import type { Actor } from '../../trust/auth/principal';

export type CertificateStatusAction = { action: 'revoke'; reason: RevocationReason } | { action: 'hold' } | { action: 'release' };

/** Revoke a certificate, put it on hold (certificateHold) or release the hold; the CRL follows. */
export class ChangeCertificateStatusCommand {
  constructor(
    readonly serial: string,
    readonly change: CertificateStatusAction,
    readonly actor: Actor,
    /** Why, in the officer's words (audited; never a secret). */
    readonly comment?: string,
  ) {}
}
