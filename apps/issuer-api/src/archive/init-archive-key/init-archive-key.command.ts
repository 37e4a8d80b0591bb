import { Command } from '@nestjs/cqrs';
import type { Actor } from '../../trust/auth/principal';

/** The archive key as set up: created now or present, and its certificate (issued now or present) once the CA is set up. */
export interface InitArchiveKeyResult {
  key: string;
  created: boolean;
  certificate: { fresh: boolean; sha256: string } | { missing: string };
}

/**
 * The host's set-up of the archive key (`bin/scm archive init-keys`): creates scm-archive/1 in
 * the HSM when no version exists (never replaces one), then has the issuing CA certify the newest
 * version unless it holds a usable certificate. Idempotent; audited.
 */
export class InitArchiveKeyCommand extends Command<InitArchiveKeyResult> {
  constructor(readonly actor: Actor) {
    super();
  }
}
