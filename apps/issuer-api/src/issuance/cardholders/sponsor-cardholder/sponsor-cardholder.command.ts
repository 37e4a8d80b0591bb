import { Command } from '@nestjs/cqrs';
import type { Actor } from '../../../trust/auth/principal';
import type { PendingApproval } from '../cardholder';

/** An officer asks a second officer to sponsor one more card for a registered cardholder. */
export class SponsorCardholderCommand extends Command<PendingApproval> {
  constructor(
    readonly cardholderId: string,
    readonly actor: Actor,
  ) {
    super();
  }
}
