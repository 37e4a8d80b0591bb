import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { API_CONFIG, type ApiConfig } from '../../../platform/config/api-config';
import { UnitOfWork } from '../../../platform/infra/unit-of-work';
import { ApprovalsService } from '../../../trust/approvals/approvals.service';
import { WORKER_REPOSITORY, type WorkerRepository } from '../../../trust/workers/worker.repository';
import { STAND_IN_STATES } from '../../card-reports/card-report';
import { type ApprovalTicket, ticketOf } from '../../shared/approval-ticket';
import { EscrowSource } from '../../shared/escrow-source';
import { cardName, HELPDESK_CARD_REPOSITORY, type HelpdeskCardRepository } from '../../shared/help-desk-card.repository';
import { StandInProfile } from '../../shared/stand-in-profile';
import { TEMPORARY_CARD_KIND, type TemporaryCardSubject } from '../temporary-card-approval';
import { TEMPORARY_CARD_REPOSITORY, type TemporaryCardRepository } from '../temporary-card.repository';
import { TemporaryCardError, TemporaryCardErrorCode as E } from '../temporary-card-errors';
import { hostWorkerRefusal, lifetimeRefusal } from '../temporary-card-rules';
import { RequestTemporaryCardCommand } from './request-temporary-card.command';

/**
 * Checks what can be checked before anyone approves — the card is reported, has escrow, the host
 * is enrolled, the cardholder holds no other temporary card, the lifetime is allowed — and opens
 * the m-of-n approval. Refusals are audited.
 */
@CommandHandler(RequestTemporaryCardCommand)
export class RequestTemporaryCardHandler implements ICommandHandler<RequestTemporaryCardCommand, ApprovalTicket> {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly approvals: ApprovalsService,
    private readonly escrow: EscrowSource,
    private readonly profiles: StandInProfile,
    @Inject(HELPDESK_CARD_REPOSITORY) private readonly cards: HelpdeskCardRepository,
    @Inject(TEMPORARY_CARD_REPOSITORY) private readonly temporary: TemporaryCardRepository,
    @Inject(WORKER_REPOSITORY) private readonly workers: WorkerRepository,
    @Inject(API_CONFIG) private readonly cfg: ApiConfig,
  ) {}

  execute(c: RequestTemporaryCardCommand): Promise<ApprovalTicket> {
    return this.uow.run(c.actor, async (tx) => {
      const denied = {
        action: 'temporary-card.requested',
        targetType: 'card',
        targetId: c.card.slice(0, 64),
        details: { hostWorkerId: c.hostWorkerId },
      };
      const found = await this.cards.lock(tx, c.card);
      if (!found) return tx.deny(new TemporaryCardError(E.NotFound, `no card ${c.card}`), denied);
      const { card, vsc } = found;
      const onCard = { ...denied, targetId: card.id };
      if (!STAND_IN_STATES.includes(card.state)) {
        return tx.deny(
          new TemporaryCardError(
            E.WrongState,
            `card ${cardName(found)} is ${card.state}: report it first (lost, stolen, damaged or left at home)`,
            { cardState: card.state },
          ),
          onCard,
        );
      }
      const days = c.days ?? this.cfg.SCM_TEMPORARY_CARD_DAYS;
      const badLifetime = lifetimeRefusal(days, this.cfg.SCM_TEMPORARY_CARD_MAX_DAYS);
      if (badLifetime) return tx.deny(badLifetime, onCard);
      const version = vsc ? await this.escrow.latestEscrowed(tx, vsc.id) : undefined;
      if (!vsc || !version) return tx.deny(new TemporaryCardError(E.NoEscrow, `card ${cardName(found)} has no escrowed VSC`), onCard);
      // A card rebuilt from the archive has no issuance request: its stand-in follows the default profile.
      const profile = await this.profiles.of(found, tx);
      if (!profile)
        return tx.deny(
          new TemporaryCardError(E.Invalid, `card ${cardName(found)} has no issuance request and there is no default card profile`),
          onCard,
        );
      const badHost = hostWorkerRefusal((await this.workers.get(c.hostWorkerId, tx))?.status, c.hostWorkerId);
      if (badHost) return tx.deny(badHost, onCard);
      const open = await this.temporary.openOf(found.holder.id, tx);
      if (open)
        return tx.deny(
          new TemporaryCardError(E.Exists, `the cardholder already holds temporary card ${open.id}`, { temporaryCardId: open.id }),
          onCard,
        );
      const subject: TemporaryCardSubject = {
        cardId: card.id,
        serial: card.serial,
        cardholderId: found.holder.id,
        sourceVscId: vsc.id,
        sourceVersion: version,
        hostWorkerId: c.hostWorkerId,
        days,
        from: c.from ?? 'any',
      };
      const approval = await this.approvals.request(tx, {
        kind: TEMPORARY_CARD_KIND,
        subject,
        approverRole: 'security-officer',
        requiredApprovals: this.cfg.SCM_HELPDESK_APPROVALS,
        requestedBy: c.requester.id,
      });
      tx.audit({
        action: 'temporary-card.requested',
        targetType: 'card',
        targetId: card.id,
        outcome: 'success',
        details: {
          approvalId: approval.id,
          hostWorkerId: c.hostWorkerId,
          days,
          sourceVsc: vsc.id,
          sourceVersion: version,
          ...(profile.from === 'default' ? { profile: 'default (the card has no issuance request)' } : {}),
        },
      });
      return ticketOf(approval);
    });
  }
}
