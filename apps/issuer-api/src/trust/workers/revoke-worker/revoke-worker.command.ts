import { Command } from '@nestjs/cqrs';
import type { Actor } from '../../auth/principal';
import type { WorkerView } from '../worker-view';

/** An officer revokes a worker: its sessions end and its channel closes. */
export class RevokeWorkerCommand extends Command<WorkerView> {
  constructor(
    readonly workerId: string,
    readonly officerId: string,
    readonly actor: Actor,
  ) {
    super();
  }
}
