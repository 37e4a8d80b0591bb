import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { VSC_REPOSITORY, type VscRepository } from '../../../issuance/vsc-escrow/vsc.repository';
import { API_CONFIG, type ApiConfig } from '../../../platform/config/api-config';
import { UnitOfWork } from '../../../platform/infra/unit-of-work';
import { ApprovalsService } from '../../../trust/approvals/approvals.service';
import { type ApprovalTicket, ticketOf } from '../../shared/approval-ticket';
import { HELPDESK_CARD_REPOSITORY, type HelpdeskCardRepository } from '../../shared/help-desk-card.repository';
import { KEY_RECOVERY_KIND, type KeyRecoverySubject } from '../key-recovery-approval';
import { KEY_RECOVERY_REPOSITORY, type KeyRecoveryRepository } from '../key-recovery.repository';
import { KeyRecoveryError, KeyRecoveryErrorCode as E } from '../key-recovery-errors';
import { keyManagementSerials } from '../../shared/derived-vsc';
import { EscrowSource } from '../../shared/escrow-source';
import { recoverySources } from '../recovery-sources';
import { RequestKeyRecoveryCommand } from './request-key-recovery.command';

/** Names the cardholder (directly or by a card), checks they have escrow to recover from, and opens the m-of-n approval. */
@CommandHandler(RequestKeyRecoveryCommand)
export class RequestKeyRecoveryHandler implements ICommandHandler<RequestKeyRecoveryCommand, ApprovalTicket> {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly approvals: ApprovalsService,
    @Inject(HELPDESK_CARD_REPOSITORY) private readonly cards: HelpdeskCardRepository,
    @Inject(KEY_RECOVERY_REPOSITORY) private readonly recoveries: KeyRecoveryRepository,
    @Inject(VSC_REPOSITORY) private readonly vscs: VscRepository,
    @Inject(API_CONFIG) private readonly cfg: ApiConfig,
    private readonly escrow: EscrowSource,
  ) {}

  execute(c: RequestKeyRecoveryCommand): Promise<ApprovalTicket> {
    return this.uow.run(c.actor, async (tx) => {
      const denied = { action: 'key-recovery.requested', targetType: 'cardholder', targetId: c.cardholder ?? c.card ?? null };
      let cardholderId = c.cardholder;
      let cardId: string | null = null;
      if (c.card) {
        const found = await this.cards.find(c.card, tx);
        if (!found) return tx.deny(new KeyRecoveryError(E.NotFound, `no card ${c.card}`), denied);
        cardholderId = found.holder.id;
        cardId = found.card.id;
      }
      if (!cardholderId) return tx.deny(new KeyRecoveryError(E.Invalid, 'name a card or a cardholder'), denied);
      if (!(await this.recoveries.cardholderExists(cardholderId, tx)))
        return tx.deny(new KeyRecoveryError(E.NotFound, `no cardholder ${cardholderId}`), denied);
      const sources = await recoverySources(this.recoveries, this.vscs, cardholderId, tx);
      if (!sources.length) return tx.deny(new KeyRecoveryError(E.NoKeys, `cardholder ${cardholderId} has no escrowed VSC`), denied);
      // The approval names exactly the keys it releases: the serials of their certificates.
      const serials = new Set<string>();
      for (const src of sources) {
        const vsc = await this.escrow.loadPublic(tx, src);
        try {
          for (const s of keyManagementSerials(vsc)) serials.add(s);
        } finally {
          vsc.close();
        }
      }
      if (!serials.size)
        return tx.deny(new KeyRecoveryError(E.NoKeys, `cardholder ${cardholderId} has no escrowed key-management key`), denied);
      const subject: KeyRecoverySubject = {
        cardholderId,
        cardId,
        reason: c.reason,
        requestedBy: c.requester.username,
        serials: [...serials],
      };
      const approval = await this.approvals.request(tx, {
        kind: KEY_RECOVERY_KIND,
        subject,
        approverRole: 'security-officer',
        requiredApprovals: this.cfg.SCM_HELPDESK_APPROVALS,
        requestedBy: c.requester.id,
      });
      tx.audit({
        action: 'key-recovery.requested',
        targetType: 'cardholder',
        targetId: cardholderId,
        outcome: 'success',
        details: { approvalId: approval.id, cardId, reason: c.reason },
      });
      return ticketOf(approval);
    });
  }
}
