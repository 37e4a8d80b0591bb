import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import type { CertificateInfo, RevocationReason } from '@scm/ca';
import type { Tx } from '../platform/infra/unit-of-work';
import { CaService } from './ca.service';
import { requestCrl } from './crl-publisher.service';

export type CertificateStatusAction = { action: 'revoke'; reason: RevocationReason } | { action: 'hold' } | { action: 'release' };

/**
 * A certificate's status change inside the caller's unit of work (an officer's revocation, a card
 * lifecycle step, a cancelled request): the CA's record, its audit event and the CRL publication
 * commit together. A change that alters nothing (revoking a revoked certificate for the same
 * reason) queues no CRL.
 */
@Injectable()
export class CertificateStatusService {
  constructor(private readonly cas: CaService) {}

  async apply(tx: Tx, serial: string, change: CertificateStatusAction, comment?: string): Promise<CertificateInfo> {
    // Opened on the transaction: the first use after the API starts reads the CA's record there.
    const ca = await this.cas.inTx(tx, () => this.cas.ca());
    const before = await this.cas.inTx(tx, () => ca.get(serial));
    const after = await this.cas.inTx(tx, () => {
      switch (change.action) {
        case 'revoke':
          return ca.revoke(serial, change.reason, { at: tx.now });
        case 'hold':
          return ca.hold(serial, { at: tx.now });
        case 'release':
          return ca.release(serial);
      }
    });
    const changed = before.status !== after.status || before.reason !== after.reason;
    tx.audit({
      action: `certificate.${change.action === 'revoke' ? 'revoked' : change.action === 'hold' ? 'held' : 'released'}`,
      targetType: 'certificate',
      targetId: after.serial,
      outcome: 'success',
      details: {
        caId: after.caId,
        from: before.status,
        to: after.status,
        ...(after.reason ? { reason: after.reason } : {}),
        changed,
        ...(after.reference ? { reference: after.reference } : {}),
        ...(comment ? { comment: comment.slice(0, 500) } : {}),
      },
    });
    if (changed) requestCrl(tx, after.caId, `change-${randomUUID()}`);
    return after;
  }
}
