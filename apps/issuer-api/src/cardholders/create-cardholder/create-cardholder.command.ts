import type { Actor } from '../../auth/principal';
import type { CardholderInput } from '../cardholder';

export class CreateCardholderCommand {
  constructor(
    readonly input: CardholderInput,
    readonly actor: Actor,
  ) {}
}
