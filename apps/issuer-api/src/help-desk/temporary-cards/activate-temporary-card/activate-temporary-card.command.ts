import { Command } from '@nestjs/cqrs';
import type { Actor } from '../../../trust/auth/principal';
import type { TemporaryCardView } from '../temporary-card-view';

/**
 * After an identity check the cardholder's PIN becomes the temporary card's, sent only as the
 * Argon2id output of the padded PIN (and its salt) the activating terminal computed.
 */
export class ActivateTemporaryCardCommand extends Command<TemporaryCardView> {
  constructor(
    readonly id: string,
    /** 16 bytes. */
    readonly salt: Buffer,
    /** 32 bytes; wiped once used. */
    readonly kdfOutput: Buffer,
    /** How the identity was checked (audited). */
    readonly identityCheck: string,
    readonly actor: Actor,
  ) {
    super();
  }
}
