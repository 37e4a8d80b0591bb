import { Command } from '@nestjs/cqrs';
import type { WrappedKeyMaterial } from '@scm/personalisation';
import type { Actor } from '../../../trust/auth/principal';
import type { CallingWorker } from '../../worker-principal';

/** The cardholder's PIN step: the worker serving the session asks for the card's PUK, to set the PIN the cardholder types. */
export class ReleasePukCommand extends Command<WrappedKeyMaterial> {
  constructor(
    readonly sessionId: string,
    readonly worker: CallingWorker,
    readonly actor: Actor,
  ) {
    super();
  }
}
