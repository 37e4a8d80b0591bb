import { Command } from '@nestjs/cqrs';

export type CheckpointResult = { seq: number; headHash: string; signedAt: string } | { unchanged: true };

/** Sign a checkpoint of the chain head now (unless the latest one already covers it). */
export class SignCheckpointCommand extends Command<CheckpointResult> {}
