import { Command } from '@nestjs/cqrs';
import type { Actor } from '../../auth/principal';
import type { WorkerView } from '../worker-view';

/** What a worker sends to enrol: its one-time token, where it runs, and its two public keys. */
export interface WorkerRegistration {
  enrollmentToken: string;
  name: string;
  host: string;
  workstation: number;
  /** Ed25519 SubjectPublicKeyInfo, DER, base64. */
  signPublicKey: string;
  /** X25519 SubjectPublicKeyInfo, DER, base64. */
  kexPublicKey: string;
}

/** A card worker registers its keys with a one-time enrolment token; it then waits for an officer's approval. */
export class RegisterWorkerCommand extends Command<WorkerView & { packageKey?: string }> {
  constructor(
    readonly registration: WorkerRegistration,
    readonly actor: Actor,
  ) {
    super();
  }
}
