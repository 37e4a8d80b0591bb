import { Command } from '@nestjs/cqrs';
import type { Actor } from '../../auth/principal';

/** A one-time enrolment token for a new worker, shown once; only its hash is kept. */
export class CreateEnrollmentTokenCommand extends Command<{ token: string; expiresAt: string }> {
  constructor(
    /** Bind the token to one workstation (null: any). */
    readonly workstation: number | null,
    readonly actor: Actor,
    readonly ttlHours = 24,
  ) {
    super();
  }
}
