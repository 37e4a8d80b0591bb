import { Command } from '@nestjs/cqrs';
import type { RecoveredKeyJson } from '@scm/db';
import type { Actor } from '../../../trust/auth/principal';

export interface RecoveredKeys {
  id: string;
  /** The PKCS#12, base64. */
  pkcs12: string;
  keys: RecoveredKeyJson[];
}

/** The approved keys as a PKCS#12 under the officer's password, once, for the officer who asked; never stored. */
export class DeliverRecoveredKeysCommand extends Command<RecoveredKeys> {
  constructor(
    readonly id: string,
    /** Never stored or logged. */
    readonly password: string,
    readonly officer: { id: string },
    readonly actor: Actor,
  ) {
    super();
  }
}
