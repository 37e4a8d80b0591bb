import { Command } from '@nestjs/cqrs';
import type { Actor } from '../../../trust/auth/principal';

export interface PinUnblockView {
  id: string;
  purpose: 'unblock';
  cardId: string;
  serial: string | null;
  workstation: number;
  state: string;
  identityCheck: string;
  startedBy: string;
  expiresAt: string;
}

/** After an identity check, the help desk lets the cardholder choose a new PIN at a workstation. */
export class StartPinUnblockCommand extends Command<PinUnblockView> {
  constructor(
    /** The card's serial (or id). */
    readonly card: string,
    /** The workstation where the cardholder types the new PIN. */
    readonly workstation: number,
    /** How the identity was checked (audited). */
    readonly identityCheck: string,
    readonly actor: Actor,
  ) {
    super();
  }
}
