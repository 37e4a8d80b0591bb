import { Inject, Injectable } from '@nestjs/common';
import type { Tx } from '../../platform/infra/unit-of-work';
import type { ApprovalRequest } from '../../trust/approvals/approval.repository';
import { ApprovalsService } from '../../trust/approvals/approvals.service';
import { userIdOf } from '../../trust/separation-of-duties';
import { CardholderError, CardholderErrorCode } from './cardholder-errors';
import { CARDHOLDER_REPOSITORY, type Cardholder, type CardholderRepository } from './cardholder.repository';

/** Registering cardholders (one, or an import): a second officer approves; the approver sponsors each one's first card. */
export const CARDHOLDER_REGISTRATION_KIND = 'cardholder-registration';
/** Another card for a registered cardholder: a second officer sponsors it. */
export const CARDHOLDER_SPONSORSHIP_KIND = 'cardholder-sponsorship';

/** What a registration approval authorises: exactly these people with these names, UPNs and e-mail addresses. */
export interface RegistrationSubject {
  cardholders: Array<{ id: string; name: string; upn: string | null; email: string | null }>;
}
/** What a sponsorship approval authorises: one card for this cardholder, as registered. */
export interface SponsorshipSubject {
  cardholderId: string;
  name: string;
  upn: string | null;
  email: string | null;
}

const who = (c: Cardholder) => ({ id: c.id, name: c.name, upn: c.upn, email: c.email });

/**
 * The dual-control side of cardholders (separation of duties): the registrar's entry and each card's
 * sponsorship are approved by a second security officer, never by the one who asked. The approver
 * becomes the sponsor, whom issuance then checks against the requesting officer.
 */
@Injectable()
export class CardholderApprovals {
  constructor(
    private readonly approvals: ApprovalsService,
    @Inject(CARDHOLDER_REPOSITORY) private readonly cardholders: CardholderRepository,
  ) {}

  register(): void {
    this.approvals.register(CARDHOLDER_REGISTRATION_KIND, (tx, req) => this.approveRegistration(tx, req));
    this.approvals.register(CARDHOLDER_SPONSORSHIP_KIND, (tx, req) => this.approveSponsorship(tx, req));
  }

  /** Asks a second officer to approve the registration of these (pending) cardholders. */
  async requestRegistration(tx: Tx, created: readonly Cardholder[]): Promise<ApprovalRequest> {
    const subject: RegistrationSubject = { cardholders: created.map(who) };
    return this.approvals.request(tx, {
      kind: CARDHOLDER_REGISTRATION_KIND,
      subject: subject as unknown as Record<string, unknown>,
      approverRole: 'security-officer',
      requiredApprovals: 1,
      requestedBy: requester(tx),
    });
  }

  /** Asks a second officer to sponsor one more card for an active cardholder. */
  async requestSponsorship(tx: Tx, holder: Cardholder): Promise<ApprovalRequest> {
    const subject: SponsorshipSubject = { cardholderId: holder.id, name: holder.name, upn: holder.upn, email: holder.email };
    return this.approvals.request(tx, {
      kind: CARDHOLDER_SPONSORSHIP_KIND,
      subject: subject as unknown as Record<string, unknown>,
      approverRole: 'security-officer',
      requiredApprovals: 1,
      requestedBy: requester(tx),
    });
  }

  private async approveRegistration(tx: Tx, req: ApprovalRequest): Promise<void> {
    const subject = req.subject as unknown as RegistrationSubject;
    const ids = subject.cardholders.map((c) => c.id);
    const done = new Set(await this.cardholders.approveRegistration(tx, ids, tx.actor.actor));
    for (const c of subject.cardholders) {
      tx.audit({
        action: 'cardholder.registration-approved',
        targetType: 'cardholder',
        targetId: c.id,
        outcome: done.has(c.id) ? 'success' : 'failure',
        details: { approvalId: req.id, sponsor: tx.actor.actor, ...(done.has(c.id) ? {} : { reason: 'not pending' }) },
      });
    }
  }

  private async approveSponsorship(tx: Tx, req: ApprovalRequest): Promise<void> {
    const subject = req.subject as unknown as SponsorshipSubject;
    if (!(await this.cardholders.sponsor(tx, subject.cardholderId, tx.actor.actor))) {
      throw new CardholderError(CardholderErrorCode.NotActive, `cardholder ${subject.cardholderId} is no longer active`);
    }
    tx.audit({
      action: 'cardholder.sponsored',
      targetType: 'cardholder',
      targetId: subject.cardholderId,
      outcome: 'success',
      details: { approvalId: req.id, sponsor: tx.actor.actor },
    });
  }
}

function requester(tx: Tx): string {
  const id = userIdOf(tx.actor.actor);
  if (!id) throw new Error(`only a user asks for an approval (actor ${tx.actor.actor})`);
  return id;
}
