import { Command } from '@nestjs/cqrs';
import type { Actor } from '../../../trust/auth/principal';
import type { ApprovalTicket } from '../../shared/approval-ticket';
import type { EscrowFrom } from '../../shared/escrow-source';

/** The help desk asks for a temporary card standing in for a reported card; officers approve it. */
export class RequestTemporaryCardCommand extends Command<ApprovalTicket> {
  constructor(
    /** The reported card's id or serial. */
    readonly card: string,
    /** The enrolled, approved card worker whose host serves it. */
    readonly hostWorkerId: string,
    readonly days: number | undefined,
    readonly from: EscrowFrom | undefined,
    readonly requester: { id: string },
    readonly actor: Actor,
  ) {
    super();
  }
}
