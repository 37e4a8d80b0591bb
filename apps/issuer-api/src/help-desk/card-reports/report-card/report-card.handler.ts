import { randomUUID } from 'node:crypto';
import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { CardError } from '../../../issuance/cards/card-errors';
import { CardLifecycleService } from '../../../issuance/cards/card-lifecycle.service';
import { UnitOfWork } from '../../../platform/infra/unit-of-work';
import { cardName, HELPDESK_CARD_REPOSITORY, type HelpdeskCardRepository } from '../../shared/help-desk-card.repository';
import { type CardReportView, REPORT_EFFECT, replacesOpenReport, toCardReportView } from '../card-report';
import { CARD_REPORT_REPOSITORY, type CardReport, type CardReportRepository } from '../card-report.repository';
import { CardReportError, CardReportErrorCode as E } from '../card-report-errors';
import { ReportCardCommand } from './report-card.command';

/**
 * The help desk's first step when a card is missing: the report moves the card through the card
 * lifecycle (which revokes its certificates or puts them on hold, and queues a new CRL in the same
 * transaction) and stays open until the card is found or replaced.
 */
@CommandHandler(ReportCardCommand)
export class ReportCardHandler implements ICommandHandler<ReportCardCommand, CardReportView> {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly lifecycle: CardLifecycleService,
    @Inject(HELPDESK_CARD_REPOSITORY) private readonly cards: HelpdeskCardRepository,
    @Inject(CARD_REPORT_REPOSITORY) private readonly reports: CardReportRepository,
  ) {}

  execute(c: ReportCardCommand): Promise<CardReportView> {
    return this.uow.run(c.actor, async (tx) => {
      const denied = { action: 'card.reported', targetType: 'card', targetId: c.card.slice(0, 64), details: { reason: c.reason } };
      const found = await this.cards.lock(tx, c.card);
      if (!found) return tx.deny(new CardReportError(E.NotFound, `no card ${c.card}`), denied);
      const { card } = found;
      const onCard = { ...denied, targetId: card.id };
      const open = await this.reports.lockOpen(tx, card.id);
      if (open && !replacesOpenReport(open.reason, c.reason)) {
        return tx.deny(
          new CardReportError(E.AlreadyReported, `card ${cardName(found)} is already reported ${open.reason}`, {
            reportId: open.id,
            reason: open.reason,
          }),
          onCard,
        );
      }
      const effect = REPORT_EFFECT[c.reason];
      const moved = await this.lifecycle.transition(tx, card.id, effect.to, { report: c.reason });
      if (moved instanceof CardError) {
        return tx.deny(
          new CardReportError(E.WrongCardState, `card ${cardName(found)} is ${card.state}: it cannot be reported ${c.reason}`, {
            cardState: card.state,
          }),
          onCard,
        );
      }
      if (open) await this.reports.close(tx, open.id, 'closed', tx.actor.actor);
      const report: CardReport = {
        id: randomUUID(),
        cardId: card.id,
        reason: c.reason,
        state: 'open',
        cardState: effect.to,
        comment: c.comment ?? null,
        reportedBy: tx.actor.actor,
        reportedAt: tx.now,
        closedBy: null,
        closedAt: null,
      };
      await this.reports.insert(tx, report);
      tx.audit({
        action: 'card.reported',
        targetType: 'card',
        targetId: card.id,
        outcome: 'success',
        details: {
          reason: c.reason,
          reportId: report.id,
          serial: card.serial,
          cardholderId: card.cardholderId,
          from: card.state,
          to: effect.to,
          crlReason: effect.crl,
          certificates: moved.certificates,
          ...(open ? { replaces: open.id } : {}),
          ...(c.comment ? { comment: c.comment.slice(0, 300) } : {}),
        },
      });
      return toCardReportView(report, card, { certificates: moved.certificates });
    });
  }
}
