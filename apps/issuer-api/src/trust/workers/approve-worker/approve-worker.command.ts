import { Command } from '@nestjs/cqrs';
import type { Actor } from '../../auth/principal';
import type { WorkerView } from '../worker-view';

/** An officer approves a worker after comparing its fingerprint with the one its console shows. */
export class ApproveWorkerCommand extends Command<WorkerView> {
  constructor(
    readonly workerId: string,
    /** The fingerprint as the officer read it at the worker. */
    readonly fingerprint: string,
    readonly officerId: string,
    readonly actor: Actor,
  ) {
    super();
  }
}
