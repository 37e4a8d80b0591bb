import { Command } from '@nestjs/cqrs';
import type { Actor } from '../../auth/principal';

export interface WorkerSession {
  token: string;
  expiresAt: string;
  workstation: number;
}

/** A worker exchanges a signed challenge for a session: proof it holds its registered key; approved workers only. */
export class OpenWorkerSessionCommand extends Command<WorkerSession> {
  constructor(
    readonly workerId: string,
    readonly nonce: string,
    /** Ed25519 signature of scm-worker-auth-v1|<workerId>|<nonce>, base64. */
    readonly signature: string,
    readonly actor: Actor,
  ) {
    super();
  }
}
