import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { CardError } from '../../../issuance/cards/card-errors';
import { CardLifecycleService } from '../../../issuance/cards/card-lifecycle.service';
import { UnitOfWork } from '../../../platform/infra/unit-of-work';
import { cardName, HELPDESK_CARD_REPOSITORY, type HelpdeskCardRepository } from '../../shared/help-desk-card.repository';
import { TemporaryCardRevocation } from '../../temporary-cards/temporary-card-revocation.service';
import { type CardReportView, toCardReportView } from '../card-report';
import { CARD_REPORT_REPOSITORY, type CardReportRepository } from '../card-report.repository';
import { CardReportError, CardReportErrorCode as E } from '../card-report-errors';
import { CardFoundCommand } from './card-found.command';

/**
 * A suspended card becomes active again (the hold is lifted, so the next CRL no longer lists it);
 * a revoked card stays revoked. Either way the temporary cards standing in for it are revoked and
 * the report is closed as found.
 */
@CommandHandler(CardFoundCommand)
export class CardFoundHandler implements ICommandHandler<CardFoundCommand, CardReportView> {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly lifecycle: CardLifecycleService,
    private readonly standIns: TemporaryCardRevocation,
    @Inject(HELPDESK_CARD_REPOSITORY) private readonly cards: HelpdeskCardRepository,
    @Inject(CARD_REPORT_REPOSITORY) private readonly reports: CardReportRepository,
  ) {}

  execute(c: CardFoundCommand): Promise<CardReportView> {
    return this.uow.run(c.actor, async (tx) => {
      const denied = { action: 'card.found', targetType: 'card', targetId: c.card.slice(0, 64) };
      const found = await this.cards.lock(tx, c.card);
      if (!found) return tx.deny(new CardReportError(E.NotFound, `no card ${c.card}`), denied);
      const { card } = found;
      const onCard = { ...denied, targetId: card.id };
      const open = await this.reports.lockOpen(tx, card.id);
      if (!open) return tx.deny(new CardReportError(E.NotReported, `card ${cardName(found)} is not reported missing`), onCard);
      let certificates: string[] = [];
      if (card.state === 'suspended') {
        const back = await this.lifecycle.transition(tx, card.id, 'active', { found: open.id });
        if (back instanceof CardError) return tx.deny(new CardReportError(E.WrongCardState, back.message), onCard);
        certificates = back.certificates;
      }
      const revoked = await this.standIns.revokeStandIns(tx, card.id, 'the card was found');
      await this.reports.close(tx, open.id, 'found', tx.actor.actor);
      tx.audit({
        action: 'card.found',
        targetType: 'card',
        targetId: card.id,
        outcome: 'success',
        details: {
          reportId: open.id,
          serial: card.serial,
          cardState: card.state === 'suspended' ? 'active' : card.state,
          released: certificates,
          temporaryCardsRevoked: revoked,
          ...(c.comment ? { comment: c.comment.slice(0, 300) } : {}),
        },
      });
      const closed = { ...open, state: 'found' as const, closedBy: tx.actor.actor, closedAt: tx.now };
      return toCardReportView(closed, card, { certificates, temporaryCardsRevoked: revoked });
    });
  }
}
