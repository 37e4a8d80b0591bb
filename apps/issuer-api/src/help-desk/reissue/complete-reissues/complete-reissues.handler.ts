import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { Logger } from 'pino';
import { CARD_REPOSITORY, type CardRepository } from '../../../issuance/cards/card.repository';
import { CardError } from '../../../issuance/cards/card-errors';
import { CardLifecycleService } from '../../../issuance/cards/card-lifecycle.service';
import { REQUEST_REPOSITORY, type RequestRepository } from '../../../issuance/requests/request.repository';
import { VSC_REPOSITORY, type VscRepository } from '../../../issuance/vsc-escrow/vsc.repository';
import { LOGGER } from '../../../platform/infra/tokens';
import { type Tx, UnitOfWork } from '../../../platform/infra/unit-of-work';
import { systemActor } from '../../../trust/auth/principal';
import { CARD_REPORT_REPOSITORY, type CardReportRepository } from '../../card-reports/card-report.repository';
import { TemporaryCardRevocation } from '../../temporary-cards/temporary-card-revocation.service';
import { REISSUE_REPOSITORY, type Reissue, type ReissueRepository } from '../reissue.repository';
import { CompleteReissuesCommand } from './complete-reissues.command';

const ACTOR = systemActor('reissue');

/**
 * Ends each reissue whose request ended, in a unit of work of its own: issued → the old card
 * becomes `replaced` (its certificates superseded unless already revoked for a graver reason),
 * its report is closed and the temporary cards standing in for it are revoked; failed or
 * cancelled → the reissue failed (the old card keeps its state; the help desk may ask again).
 */
@CommandHandler(CompleteReissuesCommand)
export class CompleteReissuesHandler implements ICommandHandler<CompleteReissuesCommand, number> {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly lifecycle: CardLifecycleService,
    private readonly standIns: TemporaryCardRevocation,
    @Inject(REISSUE_REPOSITORY) private readonly reissues: ReissueRepository,
    @Inject(REQUEST_REPOSITORY) private readonly requests: RequestRepository,
    @Inject(CARD_REPOSITORY) private readonly cards: CardRepository,
    @Inject(VSC_REPOSITORY) private readonly vscs: VscRepository,
    @Inject(CARD_REPORT_REPOSITORY) private readonly reports: CardReportRepository,
    @Inject(LOGGER) private readonly log: Logger,
  ) {}

  async execute(): Promise<number> {
    const due = await this.reissues.finished();
    for (const id of due) await this.uow.run(ACTOR, (tx) => this.complete(tx, id));
    return due.length;
  }

  private async complete(tx: Tx, id: string): Promise<void> {
    const r = await this.reissues.lock(tx, id);
    const request = r && (await this.requests.get(r.requestId, tx));
    if (!r || !request || r.state !== 'awaiting-card') return;
    if (request.state === 'issued') await this.replaced(tx, r, request.cardId);
    else {
      await this.reissues.close(tx, id, 'failed');
      tx.audit({
        action: 'card.reissue-failed',
        targetType: 'card',
        targetId: r.oldCardId,
        outcome: 'failure',
        details: { reason: r.reason, reissueId: id, requestId: r.requestId, requestState: request.state },
      });
    }
  }

  private async replaced(tx: Tx, r: Reissue, newCardId: string | null): Promise<void> {
    const moved = await this.lifecycle.transition(tx, r.oldCardId, 'replaced', { reissueId: r.id, newCardId });
    if (moved instanceof CardError) this.log.warn({ reissueId: r.id, err: moved.message }, 'the old card could not be marked replaced');
    await this.reports.closeOpenOf(tx, r.oldCardId, tx.actor.actor);
    const standIns = await this.standIns.revokeStandIns(tx, r.oldCardId, 'the card was replaced');
    await this.reissues.close(tx, r.id, 'completed');
    const newCard = newCardId ? await this.cards.get(newCardId, tx) : undefined;
    const vsc = await this.vscs.ofRequest(r.requestId, tx);
    tx.audit({
      action: 'card.reissued',
      targetType: 'card',
      targetId: r.oldCardId,
      outcome: 'success',
      details: {
        reason: r.reason,
        reissueId: r.id,
        requestId: r.requestId,
        vscId: vsc?.id ?? null,
        newCardId,
        newSerial: newCard?.serial ?? null,
        oldCardState: moved instanceof CardError ? null : 'replaced',
        certificates: moved instanceof CardError ? [] : moved.certificates,
        temporaryCardsRevoked: standIns,
      },
    });
  }
}
