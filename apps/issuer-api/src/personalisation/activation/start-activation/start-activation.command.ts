import { Command } from '@nestjs/cqrs';
import type { ActivationView } from '@scm/personalisation';
import type { Actor } from '../../../trust/auth/principal';

/** After checking the cardholder's identity, an officer lets the cardholder set the PIN of an issued card at a workstation. */
export class StartActivationCommand extends Command<ActivationView> {
  constructor(
    readonly serial: string,
    readonly workstation: number,
    /** How the identity was checked (document type and reference, who checked). */
    readonly identityCheck: string,
    readonly actor: Actor,
  ) {
    super();
  }
}
