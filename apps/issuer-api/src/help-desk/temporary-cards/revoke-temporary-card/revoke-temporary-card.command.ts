import { Command } from '@nestjs/cqrs';
import type { Actor } from '../../../trust/auth/principal';
import type { TemporaryCardView } from '../temporary-card-view';

/** Revoke a temporary card: its certificates (cessationOfOperation), its host stops serving it. */
export class RevokeTemporaryCardCommand extends Command<TemporaryCardView> {
  constructor(
    readonly id: string,
    /** Why (audited). */
    readonly reason: string,
    readonly actor: Actor,
  ) {
    super();
  }
}
