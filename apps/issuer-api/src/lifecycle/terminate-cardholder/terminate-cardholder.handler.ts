import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { API_CONFIG, type ApiConfig } from '../../platform/config/api-config';
import { UnitOfWork } from '../../platform/infra/unit-of-work';
import { LeaverService } from '../leaver.service';
import { LifecycleError, LifecycleErrorCode as E } from '../lifecycle-errors';
import { retainUntil } from '../termination-rules';
import { TERMINATION_REPOSITORY, type TerminationRepository } from '../termination.repository';
import { type TerminationView, toTerminationView } from '../termination-view';
import { TerminateCardholderCommand } from './terminate-cardholder.command';

const ACTION = 'cardholder.terminated';

/**
 * Terminates a cardholder in one transaction: the cardholder becomes `offboarded`, LeaverService
 * ends their cards, requests, temporary card, activations and pending approvals, and the
 * termination record fixes until when their escrowed keys stay recoverable
 * (SCM_ESCROW_RETENTION_DAYS). One officer does it, with a fresh password: revoking a leaver's
 * credentials must not wait for a second person (docs/lifecycle.md); the irreversible step, the
 * purge of the escrow, is under dual control.
 */
@CommandHandler(TerminateCardholderCommand)
export class TerminateCardholderHandler implements ICommandHandler<TerminateCardholderCommand, TerminationView> {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly leaver: LeaverService,
    @Inject(TERMINATION_REPOSITORY) private readonly leavers: TerminationRepository,
    @Inject(API_CONFIG) private readonly cfg: Pick<ApiConfig, 'SCM_ESCROW_RETENTION_DAYS'>,
  ) {}

  execute(c: TerminateCardholderCommand): Promise<TerminationView> {
    return this.uow.run(c.actor, async (tx) => {
      const target = { action: ACTION, targetType: 'cardholder', targetId: c.cardholderId };
      const reason = c.reason.trim();
      if (!reason) return tx.deny(new LifecycleError(E.Invalid, 'a termination names its reason'), target);
      const holder = await this.leavers.lockCardholder(tx, c.cardholderId);
      if (!holder) return tx.deny(new LifecycleError(E.NotFound, `no cardholder ${c.cardholderId}`), target);
      const earlier = await this.leavers.get(c.cardholderId, tx);
      if (earlier || holder.status === 'offboarded')
        return tx.deny(
          new LifecycleError(
            E.AlreadyTerminated,
            `cardholder ${holder.id} was terminated${earlier ? ` at ${earlier.terminatedAt.toISOString()}` : ''}`,
            { cardholderId: holder.id },
          ),
          target,
        );
      await this.leavers.offboard(tx, holder.id);
      const summary = await this.leaver.end(tx, holder.id, reason);
      const row = {
        cardholderId: holder.id,
        reason: reason.slice(0, 500),
        terminatedBy: tx.actor.actor,
        terminatedAt: tx.now,
        retainUntil: retainUntil(tx.now, this.cfg.SCM_ESCROW_RETENTION_DAYS),
        summary: summary as unknown as Record<string, unknown>,
        purgedAt: null,
      };
      await this.leavers.insert(tx, row);
      tx.audit({
        ...target,
        outcome: 'success',
        details: {
          from: holder.status,
          reason: row.reason,
          retainUntil: row.retainUntil.toISOString(),
          cards: summary.cards.map((x) => x.id),
          requests: summary.requests.map((x) => x.id),
          certificates: summary.certificates,
          temporaryCards: summary.temporaryCards,
          activations: summary.activations,
          cardUpdates: summary.cardUpdates,
          approvals: summary.approvals.map((a) => a.id),
          vscs: summary.vscs,
        },
      });
      return toTerminationView(row, undefined, tx.now);
    });
  }
}
