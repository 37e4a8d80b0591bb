import { Command } from '@nestjs/cqrs';
import type { PendingApproval } from '../../cardholders/cardholder';
import type { Actor } from '../../../trust/auth/principal';

/** An officer proposes a new card profile, or a new version of one (a second officer approves). */
export class ProposeProfileCommand extends Command<PendingApproval & { profileId: string; version: number }> {
  constructor(
    readonly profileId: string,
    readonly description: string,
    readonly definition: unknown,
    /** The version the officer edited (absent: a new profile, or the current version). */
    readonly basedOn: number | undefined,
    readonly actor: Actor,
  ) {
    super();
  }
}
