import { Command } from '@nestjs/cqrs';
import type { Actor } from '../../../trust/auth/principal';
import type { ApprovalTicket } from '../../shared/approval-ticket';
import type { EscrowFrom } from '../../shared/escrow-source';

/** The help desk asks for a reissue of a card reported lost, stolen or damaged; officers approve it. */
export class RequestReissueCommand extends Command<ApprovalTicket> {
  constructor(
    /** The reported card's id or serial. */
    readonly card: string,
    readonly from: EscrowFrom | undefined,
    readonly requester: { id: string },
    readonly actor: Actor,
  ) {
    super();
  }
}
