import { Command } from '@nestjs/cqrs';
import type { Actor } from '../../../trust/auth/principal';
import type { CardholderInput, CardholderView, PendingApproval } from '../cardholder';

/** An officer registers one cardholder (pending a second officer's approval when duties are separated). */
export class CreateCardholderCommand extends Command<CardholderView & { approval?: PendingApproval }> {
  constructor(
    readonly input: CardholderInput,
    readonly actor: Actor,
  ) {
    super();
  }
}
