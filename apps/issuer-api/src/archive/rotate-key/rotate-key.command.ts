import { Command } from '@nestjs/cqrs';
import type { Actor } from '../../trust/auth/principal';

export interface KeyRotationRequested {
  approvalId: string;
  /** The archive key version sealing uses now, e.g. scm-archive/1. */
  from: string;
  /** The version the rotation creates once approved, e.g. scm-archive/2. */
  to: string;
}

/** An officer asks for a new archive key version; two other officers approve it before it is created. */
export class RotateKeyCommand extends Command<KeyRotationRequested> {
  constructor(
    /** The requesting officer's user id (an approver must be someone else). */
    readonly userId: string,
    readonly actor: Actor,
  ) {
    super();
  }
}
