import { Command } from '@nestjs/cqrs';
import type { Actor } from '../../trust/auth/principal';

export interface ReassignedView {
  requestId: string;
  state: string;
  serial: string | null;
  from: string | null;
  to: string;
}

/** An officer moves a request bound to a card (in flight) to another approved worker. */
export class ReassignRequestCommand extends Command<ReassignedView> {
  constructor(
    readonly requestId: string,
    readonly workerId: string,
    readonly reason: string,
    readonly actor: Actor,
  ) {
    super();
  }
}
