import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { REQUEST_REPOSITORY, type RequestRepository } from '../../../issuance/requests/request.repository';
import { API_CONFIG, type ApiConfig } from '../../../platform/config/api-config';
import { UnitOfWork } from '../../../platform/infra/unit-of-work';
import { ApprovalsService } from '../../../trust/approvals/approvals.service';
import { REPLACEABLE_STATES } from '../../card-reports/card-report';
import { CARD_REPORT_REPOSITORY, type CardReportRepository } from '../../card-reports/card-report.repository';
import { type ApprovalTicket, ticketOf } from '../../shared/approval-ticket';
import { EscrowSource } from '../../shared/escrow-source';
import { cardName, HELPDESK_CARD_REPOSITORY, type HelpdeskCardRepository } from '../../shared/help-desk-card.repository';
import { REISSUE_KIND, type ReissueSubject } from '../reissue-approval';
import { REISSUE_REPOSITORY, type ReissueRepository } from '../reissue.repository';
import { ReissueError, ReissueErrorCode as E } from '../reissue-errors';
import { RequestReissueCommand } from './request-reissue.command';

/**
 * Checks what can be checked before anyone approves — the card is gone for good (lost, stolen,
 * damaged), has escrow, and nothing else is under way for it or its cardholder — and opens the
 * m-of-n approval. The reason is the open report's (the card's state without one). Refusals are audited.
 */
@CommandHandler(RequestReissueCommand)
export class RequestReissueHandler implements ICommandHandler<RequestReissueCommand, ApprovalTicket> {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly approvals: ApprovalsService,
    private readonly escrow: EscrowSource,
    @Inject(HELPDESK_CARD_REPOSITORY) private readonly cards: HelpdeskCardRepository,
    @Inject(CARD_REPORT_REPOSITORY) private readonly reports: CardReportRepository,
    @Inject(REISSUE_REPOSITORY) private readonly reissues: ReissueRepository,
    @Inject(REQUEST_REPOSITORY) private readonly requests: RequestRepository,
    @Inject(API_CONFIG) private readonly cfg: ApiConfig,
  ) {}

  execute(c: RequestReissueCommand): Promise<ApprovalTicket> {
    return this.uow.run(c.actor, async (tx) => {
      const denied = { action: 'card.reissue-requested', targetType: 'card', targetId: c.card.slice(0, 64) };
      const found = await this.cards.lock(tx, c.card);
      if (!found) return tx.deny(new ReissueError(E.NotFound, `no card ${c.card}`), denied);
      const { card, holder, request, vsc } = found;
      const onCard = { ...denied, targetId: card.id };
      if (!REPLACEABLE_STATES.includes(card.state))
        return tx.deny(
          new ReissueError(
            E.WrongCardState,
            `card ${cardName(found)} is ${card.state}: only a card reported lost, stolen or damaged is reissued`,
            { cardState: card.state },
          ),
          onCard,
        );
      const reason = (await this.reports.openOf(card.id, tx))?.reason ?? card.state;
      const underWay = await this.reissues.underWay(card.id, tx.now, tx);
      if (underWay.approvalId || underWay.reissueId)
        return tx.deny(
          new ReissueError(E.Pending, `card ${cardName(found)} already has a reissue under way`, {
            approvalId: underWay.approvalId,
            reissueId: underWay.reissueId,
          }),
          onCard,
        );
      const [open] = await this.requests.openOf([holder.id], tx);
      if (open)
        return tx.deny(
          new ReissueError(E.Pending, `the cardholder has an open issuance request ${open.id}`, { requestId: open.id }),
          onCard,
        );
      const version = vsc ? await this.escrow.latestEscrowed(tx, vsc.id) : undefined;
      if (!vsc || !version || !request)
        return tx.deny(new ReissueError(E.NoEscrow, `card ${cardName(found)} has no escrowed VSC to reissue from`), onCard);
      const subject: ReissueSubject = {
        cardId: card.id,
        serial: card.serial,
        cardholderId: holder.id,
        sourceVscId: vsc.id,
        sourceVersion: version,
        reason,
        from: c.from ?? 'any',
      };
      const approval = await this.approvals.request(tx, {
        kind: REISSUE_KIND,
        subject,
        approverRole: 'security-officer',
        requiredApprovals: this.cfg.SCM_HELPDESK_APPROVALS,
        requestedBy: c.requester.id,
      });
      tx.audit({
        action: 'card.reissue-requested',
        targetType: 'card',
        targetId: card.id,
        outcome: 'success',
        details: { reason, approvalId: approval.id, sourceVsc: vsc.id, sourceVersion: version },
      });
      return ticketOf(approval);
    });
  }
}
