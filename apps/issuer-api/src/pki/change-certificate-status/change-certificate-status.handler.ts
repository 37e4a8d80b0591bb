import { randomUUID } from 'node:crypto';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { CaError, CaErrorCode, normaliseSerial, type CertificateInfo } from '@scm/ca';
import { type Tx, UnitOfWork } from '../../platform/infra/unit-of-work';
import { CaService } from '../ca.service';
import { toCertificateView, type CertificateView } from '../certificate-view';
import { PublishCrlService } from '../publish-crl/publish-crl.service';
import { ChangeCertificateStatusCommand, type CertificateStatusAction } from './change-certificate-status.command';

/** Applies a status change to a certificate of the issuing CA inside a unit of work (see `apply`). */
@CommandHandler(ChangeCertificateStatusCommand)
export class ChangeCertificateStatusHandler implements ICommandHandler<ChangeCertificateStatusCommand, CertificateView> {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly cas: CaService,
    private readonly crls: PublishCrlService,
  ) {}

  execute(c: ChangeCertificateStatusCommand): Promise<CertificateView> {
    return this.uow.run(c.actor, async (tx) => {
      try {
        return toCertificateView(await this.apply(tx, c.serial, c.change, c.comment));
      } catch (e) {
        if (e instanceof CaError && (e.code === CaErrorCode.InvalidState || e.code === CaErrorCode.NotFound)) {
          tx.audit({
            action: `certificate.${c.change.action}`,
            targetType: 'certificate',
            targetId: normaliseSerial(c.serial) || c.serial.slice(0, 80),
            outcome: 'denied',
            details: { reason: e.code },
          });
          // libs/ca names the certificate's status "status", which a problem body uses for the HTTP status.
          const { status, ...meta } = e.meta;
          return tx.refuse(
            new CaError(e.code, e.message, { ...meta, ...(status !== undefined ? { certificateStatus: status } : {}) }, { cause: e }),
          );
        }
        throw e;
      }
    });
  }

  /**
   * The change in the caller's transaction (card lifecycle transitions use this too): the status
   * update, its audit event and a CRL publication commit together. A change that alters nothing
   * (revoking a revoked certificate for the same reason) queues no CRL.
   */
  async apply(tx: Tx, serial: string, change: CertificateStatusAction, comment?: string): Promise<CertificateInfo> {
    const ca = await this.cas.ca();
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
    if (changed) this.crls.request(tx, after.caId, `change-${randomUUID()}`);
    return after;
  }
}
