import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { CaError, CaErrorCode, normaliseSerial } from '@scm/ca';
import { UnitOfWork } from '../../platform/infra/unit-of-work';
import { toCertificateView, type CertificateView } from '../certificate-view';
import { CertificateStatusService } from '../certificate-status.service';
import { ChangeCertificateStatusCommand } from './change-certificate-status.command';

/** An officer's status change of a certificate of the issuing CA (revoke, hold, release), audited; refusals audited too. */
@CommandHandler(ChangeCertificateStatusCommand)
export class ChangeCertificateStatusHandler implements ICommandHandler<ChangeCertificateStatusCommand, CertificateView> {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly certificates: CertificateStatusService,
  ) {}

  execute(c: ChangeCertificateStatusCommand): Promise<CertificateView> {
    return this.uow.run(c.actor, async (tx) => {
      try {
        return toCertificateView(await this.certificates.apply(tx, c.serial, c.change, c.comment));
      } catch (e) {
        if (!(e instanceof CaError && (e.code === CaErrorCode.InvalidState || e.code === CaErrorCode.NotFound))) throw e;
        // libs/ca names the certificate's status "status", which a problem body uses for the HTTP status.
        const { status, ...meta } = e.meta;
        const refusal = new CaError(
          e.code,
          e.message,
          { ...meta, ...(status !== undefined ? { certificateStatus: status } : {}) },
          { cause: e },
        );
        return tx.deny(refusal, {
          action: `certificate.${c.change.action}`,
          targetType: 'certificate',
          targetId: normaliseSerial(c.serial) || c.serial.slice(0, 80),
          details: { reason: e.code },
        });
      }
    });
  }
}
