import { Command } from '@nestjs/cqrs';
import type { PendingApproval } from '../../issuance/cardholders/cardholder';
import type { Actor } from '../../trust/auth/principal';

/** An officer asks to change a cardholder's name, UPN or e-mail; a second officer approves. */
export class ChangeCardholderIdentityCommand extends Command<{ cardholderId: string; approval: PendingApproval }> {
  constructor(
    readonly cardholderId: string,
    readonly change: { name?: string; upn?: string | null; email?: string | null },
    readonly reason: string,
    readonly actor: Actor,
  ) {
    super();
  }
}
