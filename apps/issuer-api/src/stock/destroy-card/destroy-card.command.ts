import { Command } from '@nestjs/cqrs';
import type { Actor } from '../../trust/auth/principal';

/** An officer records that a blank (or spoiled) stock card was destroyed: it is never taken again. */
export class DestroyStockCardCommand extends Command<{ serial: string; state: 'destroyed' }> {
  constructor(
    readonly serial: string,
    readonly reason: string,
    readonly actor: Actor,
  ) {
    super();
  }
}
