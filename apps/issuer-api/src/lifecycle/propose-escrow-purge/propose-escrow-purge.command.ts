import { Command } from '@nestjs/cqrs';
import type { PendingApproval } from '../../issuance/cardholders/cardholder';
import type { Actor } from '../../trust/auth/principal';

/** An officer proposes purging a leaver's escrow once its retention is over; a second officer approves. */
export class ProposeEscrowPurgeCommand extends Command<PendingApproval> {
  constructor(
    readonly cardholderId: string,
    readonly actor: Actor,
  ) {
    super();
  }
}
