import type { Actor } from '../../../trust/auth/principal';
import type { CardholderInput } from '../cardholder';

export class CreateCardholderCommand {
  constructor(
    readonly input: CardholderInput,
    readonly actor: Actor,
  ) {}
}
