import { Command } from '@nestjs/cqrs';
import type { CardUpdateCertificate } from '@scm/personalisation';
import type { Actor } from '../../trust/auth/principal';

/** Certifies the key a card generated in an on-card slot during a running update. */
export class CertifyUpdateKeyCommand extends Command<CardUpdateCertificate> {
  constructor(
    readonly updateId: string,
    readonly workerId: string,
    readonly slot: string,
    readonly publicKey: Buffer,
    readonly actor: Actor,
  ) {
    super();
  }
}
