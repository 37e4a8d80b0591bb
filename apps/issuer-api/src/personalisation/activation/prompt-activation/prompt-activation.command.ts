import { Command } from '@nestjs/cqrs';
import type { ActivationView } from '@scm/personalisation';
import type { Actor } from '../../../trust/auth/principal';
import type { CallingWorker } from '../../worker-principal';

/** Before prompting the cardholder, a worker asks for the open session of the card in its reader, at its workstation. */
export class PromptActivationCommand extends Command<ActivationView> {
  constructor(
    readonly serial: string,
    readonly worker: CallingWorker,
    readonly actor: Actor,
  ) {
    super();
  }
}
