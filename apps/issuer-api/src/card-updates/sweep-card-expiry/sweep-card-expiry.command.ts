import { Command } from '@nestjs/cqrs';
import type { Actor } from '../../trust/auth/principal';

export interface ExpirySweepResult {
  at: string;
  withinDays: number;
  /** Cards moved to `expired`. */
  expired: string[];
  /** Renewals queued: update id, card, state (pending or awaiting-approval). */
  queued: Array<{ id: string; cardId: string; serial: string | null; state: string }>;
  /** Cards near their end left as they are (an update is already open). */
  skipped: Array<{ cardId: string; why: string }>;
}

/** The daily expiry sweep: cards past their end become `expired`; cards within `withinDays` of it get a renewal as their profile says. */
export class SweepCardExpiryCommand extends Command<ExpirySweepResult> {
  constructor(
    readonly withinDays: number,
    readonly actor: Actor,
  ) {
    super();
  }
}
