import { Command } from '@nestjs/cqrs';
import type { Actor } from '../../../trust/auth/principal';

export interface CardholderKey {
  /** The PIN slot's wrapping key (base64) the host's VERIFY tries; it opens the slot only for the right PIN. */
  key: string;
  /** Whether it opens the PIN slot of the current version (the right PIN). */
  ok: boolean;
  /** PIN tries left after this one. */
  remaining: number;
}

/** The cardholder path's HSM half for one VERIFY on the temporary card's host. */
export class DeriveCardholderKeyCommand extends Command<CardholderKey> {
  constructor(
    readonly id: string,
    readonly host: { id: string },
    /** What the key is derived for: the PIN slot of this temporary card only. */
    readonly context: Buffer,
    /** The Argon2id output the host computed (32 bytes); wiped once used. */
    readonly kdfOutput: Buffer,
    readonly actor: Actor,
  ) {
    super();
  }
}
