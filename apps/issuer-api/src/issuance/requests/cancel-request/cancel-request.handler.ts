import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { jobId } from '@scm/queue';
import { CertificateStatusService } from '../../../pki/certificate-status.service';
import { UnitOfWork } from '../../../platform/infra/unit-of-work';
import { IssuanceError, IssuanceErrorCode } from '../issuance-errors';
import { RequestStateMachine } from '../request-state-machine';
import { CancelRequestCommand } from './cancel-request.command';

/**
 * Cancels a request (requested … awaiting-card). Certificates already issued for its VSC are
 * revoked (cessationOfOperation: they never reached a card) and its card job, if queued, is
 * settled; the VSC stays in escrow as a record.
 */
@CommandHandler(CancelRequestCommand)
export class CancelRequestHandler implements ICommandHandler<CancelRequestCommand, { id: string; state: string; revoked: string[] }> {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly states: RequestStateMachine,
    private readonly certificates: CertificateStatusService,
  ) {}

  execute(c: CancelRequestCommand): Promise<{ id: string; state: string; revoked: string[] }> {
    return this.uow.run(c.actor, async (tx) => {
      const row = await this.states.lock(tx, c.requestId);
      if (!row) throw new IssuanceError(IssuanceErrorCode.NotFound, `no issuance request ${c.requestId}`, { requestId: c.requestId });
      const r = await this.states.transition(tx, row, 'cancelled', { details: c.reason ? { reason: c.reason.slice(0, 500) } : {} });
      if (r instanceof IssuanceError) return tx.refuse(r);
      const certs = (await tx.em.query(`SELECT serial FROM ca_certificate WHERE reference->>'requestId' = $1 AND status <> 'revoked'`, [
        row.id,
      ])) as Array<{ serial: string }>;
      for (const cert of certs)
        await this.certificates.apply(tx, cert.serial, { action: 'revoke', reason: 'cessationOfOperation' }, `request ${row.id} cancelled`);
      await tx.em.query(`UPDATE outbox SET done_at = COALESCE(done_at, $2) WHERE job_id = ANY($1::text[])`, [
        [jobId('generate-keys', { requestId: row.id }), jobId('personalise-card', { requestId: row.id })],
        tx.now,
      ]);
      return { id: row.id, state: r.state, revoked: certs.map((x) => x.serial) };
    });
  }
}
