import { Command } from '@nestjs/cqrs';
import type { Actor } from '../../trust/auth/principal';

/** Each CA of the hierarchy after the set-up: created now, or present already. */
export type InitCaResult = Array<{ id: string; created: boolean; subject: string; notAfter: string }>;

/**
 * The host's set-up of the CA hierarchy (`bin/scm ca init`): root, issuing CA and PIV content
 * signer in this HSM and database, each created when missing. Idempotent; what it creates is audited.
 * For development and single-host set-ups: in production the root stays offline (docs/card-profile.md 3.3).
 */
export class InitCaCommand extends Command<InitCaResult> {
  constructor(readonly actor: Actor) {
    super();
  }
}
