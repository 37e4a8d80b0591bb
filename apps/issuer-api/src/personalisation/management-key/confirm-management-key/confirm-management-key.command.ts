import { Command } from '@nestjs/cqrs';
import type { Actor } from '../../../trust/auth/principal';

/** The card answered the HSM cryptograms of its new key: it holds its diversified management key. */
export class ConfirmManagementKeyCommand extends Command<{ managementKey: 'diversified' }> {
  constructor(
    readonly requestId: string,
    readonly workerId: string,
    readonly actor: Actor,
  ) {
    super();
  }
}
