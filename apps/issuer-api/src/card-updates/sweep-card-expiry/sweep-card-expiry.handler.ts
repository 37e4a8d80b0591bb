import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { CardLifecycleService } from '../../issuance/cards/card-lifecycle.service';
import type { Clock } from '../../platform/infra/clock.port';
import { UnitOfWork } from '../../platform/infra/unit-of-work';
import { EXPIRY_CLOCK } from '../expiry-clock';
import { CardUpdateQueue } from '../card-update-queue.service';
import { CARD_UPDATE_REPOSITORY, type CardUpdateRepository } from '../card-update.repository';
import { expiryDecision } from '../card-update-rules';
import { type ExpirySweepResult, SweepCardExpiryCommand } from './sweep-card-expiry.command';

const DAY_MS = 86_400_000;

/**
 * Lists the cards whose valid certificates end within the window (at the unit of work's clock),
 * moves those past their end to `expired`, and queues a renewal for the others — pending when the
 * profile renews automatically, awaiting an officer's approval otherwise (the default). One
 * transaction; run again, it queues nothing twice (one open update per card).
 */
@CommandHandler(SweepCardExpiryCommand)
export class SweepCardExpiryHandler implements ICommandHandler<SweepCardExpiryCommand, ExpirySweepResult> {
  constructor(
    private readonly uow: UnitOfWork,
    @Inject(CARD_UPDATE_REPOSITORY) private readonly updates: CardUpdateRepository,
    private readonly lifecycle: CardLifecycleService,
    @Inject(EXPIRY_CLOCK) private readonly clock: Clock,
    private readonly queue: CardUpdateQueue,
  ) {}

  execute(c: SweepCardExpiryCommand): Promise<ExpirySweepResult> {
    return this.uow.run(c.actor, async (tx) => {
      const now = this.clock.now();
      const out: ExpirySweepResult = { at: now.toISOString(), withinDays: c.withinDays, expired: [], queued: [], skipped: [] };
      const cards = await this.updates.expiring(new Date(now.getTime() + c.withinDays * DAY_MS), tx);
      for (const card of cards) {
        const d = expiryDecision(card, now);
        if (d.kind === 'expire') {
          const r = await this.lifecycle.transition(tx, card.cardId, 'expired', {
            notAfter: card.notAfter.toISOString(),
            ended: card.certificates.map((x) => x.serial),
          });
          if (r instanceof Error) {
            out.skipped.push({ cardId: card.cardId, why: r.message });
            continue;
          }
          out.expired.push(card.cardId);
          // Nothing runs on an expired card: its open update (a renewal that came too late) is cancelled.
          if (card.openUpdate) {
            await this.updates.patch(tx, card.openUpdate, { state: 'cancelled', failure: 'the card expired', finishedAt: tx.now });
            tx.audit({
              action: 'card-update.cancelled',
              targetType: 'card-update',
              targetId: card.openUpdate,
              outcome: 'success',
              details: { cardId: card.cardId, reason: 'the card expired' },
            });
          }
          continue;
        }
        if (d.kind === 'none') {
          out.skipped.push({ cardId: card.cardId, why: d.why });
          continue;
        }
        const u = await this.queue.queue(tx, {
          cardId: card.cardId,
          kind: 'renew',
          origin: 'expiry',
          state: d.state,
          reason: `certificates end ${card.certificates[0]?.notAfter.toISOString() ?? card.notAfter.toISOString()}`,
          details: { serial: card.serial, notAfter: card.notAfter.toISOString() },
        });
        out.queued.push({ id: u.id, cardId: card.cardId, serial: card.serial, state: d.state });
      }
      return out;
    });
  }
}
