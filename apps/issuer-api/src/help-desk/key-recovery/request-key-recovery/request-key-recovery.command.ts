import { Command } from '@nestjs/cqrs';
import type { Actor } from '../../../trust/auth/principal';
import type { ApprovalTicket } from '../../shared/approval-ticket';

/** An officer asks for a cardholder's escrowed decryption keys (data recovery); other officers approve it. */
export class RequestKeyRecoveryCommand extends Command<ApprovalTicket> {
  constructor(
    /** A card's id or serial (its cardholder's keys are recovered), or … */
    readonly card: string | undefined,
    /** … a cardholder id. */
    readonly cardholder: string | undefined,
    /** Why (audited, shown to the approvers). */
    readonly reason: string,
    readonly requester: { id: string; username: string },
    readonly actor: Actor,
  ) {
    super();
  }
}
