import { Inject, Injectable } from '@nestjs/common';
import { CardholderError, CardholderErrorCode } from '../../issuance/cardholders/cardholder-errors';
import {
  CARDHOLDER_REPOSITORY,
  type CardholderIdentity,
  type CardholderRepository,
} from '../../issuance/cardholders/cardholder.repository';
import type { Tx } from '../../platform/infra/unit-of-work';
import type { ApprovalRequest } from '../../trust/approvals/approval.repository';
import { CARD_UPDATE_REPOSITORY, type CardUpdateRepository } from '../card-update.repository';
import { CardUpdateQueue } from '../card-update-queue.service';

/** A change of a cardholder's name, UPN or e-mail: a second officer approves it (separation of duties). */
export const IDENTITY_CHANGE_KIND = 'cardholder-identity-change';

/** What the approval authorises: exactly this change of this cardholder. */
export interface IdentityChangeSubject {
  cardholderId: string;
  from: CardholderIdentity;
  to: CardholderIdentity;
  reason: string;
}

/**
 * Carries out an approved identity change: the cardholder's fields change (only if they are still
 * what the officer saw), and every issued or active card of the cardholder gets a renewal — new
 * certificates naming the new identity, a new CHUID and Security Object — that runs the next time
 * the card is in a reader. A card that already has an open update keeps it (a renewal not yet
 * started names the new identity when it starts).
 */
@Injectable()
export class IdentityChangeApproval {
  constructor(
    @Inject(CARDHOLDER_REPOSITORY) private readonly cardholders: CardholderRepository,
    @Inject(CARD_UPDATE_REPOSITORY) private readonly updates: CardUpdateRepository,
    private readonly queue: CardUpdateQueue,
  ) {}

  async execute(tx: Tx, req: ApprovalRequest): Promise<void> {
    const s = req.subject as unknown as IdentityChangeSubject;
    if (!(await this.cardholders.updateIdentity(tx, s.cardholderId, s.from, s.to)))
      throw new CardholderError(
        CardholderErrorCode.NotActive,
        `cardholder ${s.cardholderId} is not active or changed since the request; ask again`,
      );
    const renewals: string[] = [];
    const kept: string[] = [];
    for (const cardId of await this.updates.updatableCardsOf(s.cardholderId, tx)) {
      if (await this.updates.lockOpenOfCard(tx, cardId)) {
        kept.push(cardId);
        continue;
      }
      const u = await this.queue.queue(tx, {
        cardId,
        kind: 'renew',
        origin: 'identity-change',
        state: 'pending',
        reason: `identity change: ${s.reason}`,
        details: { approvalId: req.id },
      });
      renewals.push(u.id);
    }
    tx.audit({
      action: 'cardholder.identity-changed',
      targetType: 'cardholder',
      targetId: s.cardholderId,
      outcome: 'success',
      details: { approvalId: req.id, from: s.from, to: s.to, reason: s.reason, renewals, kept },
    });
  }
}
