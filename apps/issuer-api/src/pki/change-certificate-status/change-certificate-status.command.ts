import { Command } from '@nestjs/cqrs';
import type { Actor } from '../../trust/auth/principal';
import type { CertificateStatusAction } from '../certificate-status.service';
import type { CertificateView } from '../certificate-view';

export type { CertificateStatusAction } from '../certificate-status.service';

/** Revoke a certificate, put it on hold (certificateHold) or release the hold; the CRL follows. */
export class ChangeCertificateStatusCommand extends Command<CertificateView> {
  constructor(
    readonly serial: string,
    readonly change: CertificateStatusAction,
    readonly actor: Actor,
    /** Why, in the officer's words (audited; never a secret). */
    readonly comment?: string,
  ) {
    super();
  }
}
