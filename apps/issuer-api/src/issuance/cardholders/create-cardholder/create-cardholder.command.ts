import { Command } from '@nestjs/cqrs';
import type { Actor } from '../../../trust/auth/principal';
import type { CardholderInput, CardholderView } from '../cardholder';

/** An officer registers one cardholder. */
export class CreateCardholderCommand extends Command<CardholderView> {
  constructor(
    readonly input: CardholderInput,
    readonly actor: Actor,
  ) {
    super();
  }
}
