import { Inject } from '@nestjs/common';
import { OUTBOX_REPOSITORY, type OutboxRepository } from '../../../platform/outbox/outbox.repository';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { jobId } from '@scm/queue';
import { CERTIFICATE_REPOSITORY, type CertificateRepository } from '../../../pki/certificate.repository';
import { CertificateStatusService } from '../../../pki/certificate-status.service';
import { UnitOfWork } from '../../../platform/infra/unit-of-work';
import { IssuanceError, IssuanceErrorCode } from '../issuance-errors';
import { REQUEST_REPOSITORY, type RequestRepository } from '../request.repository';
import { RequestStateMachine } from '../request-state-machine';
import { CancelRequestCommand, type CancelledRequest } from './cancel-request.command';

/**
 * Cancels a request (requested … awaiting-card). Certificates already issued for its VSC are
 * revoked (cessationOfOperation: they never reached a card) and its jobs, if queued, are
 * settled; the VSC stays in escrow as a record.
 */
@CommandHandler(CancelRequestCommand)
export class CancelRequestHandler implements ICommandHandler<CancelRequestCommand, CancelledRequest> {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly states: RequestStateMachine,
    @Inject(REQUEST_REPOSITORY) private readonly requests: RequestRepository,
    @Inject(CERTIFICATE_REPOSITORY) private readonly issued: CertificateRepository,
    @Inject(OUTBOX_REPOSITORY) private readonly outbox: OutboxRepository,
    private readonly certificates: CertificateStatusService,
  ) {}

  execute(c: CancelRequestCommand): Promise<CancelledRequest> {
    return this.uow.run(c.actor, async (tx) => {
      const row = await this.states.lock(tx, c.requestId);
      if (!row) throw new IssuanceError(IssuanceErrorCode.NotFound, `no issuance request ${c.requestId}`, { requestId: c.requestId });
      const r = await this.states.transition(tx, row, 'cancelled', { details: c.reason ? { reason: c.reason.slice(0, 500) } : {} });
      if (r instanceof IssuanceError) return tx.refuse(r);
      const certs = await this.issued.find({ requestId: row.id, statuses: ['valid', 'on-hold'] }, tx);
      for (const cert of certs)
        await this.certificates.apply(tx, cert.serial, { action: 'revoke', reason: 'cessationOfOperation' }, `request ${row.id} cancelled`);
      await this.outbox.finishJobs(tx, [jobId('generate-keys', { requestId: row.id })]);
      return { id: row.id, state: r.state, revoked: certs.map((x) => x.serial) };
    });
  }
}
