import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { AuditService } from '../audit.service';
import { type CheckpointResult, SignCheckpointCommand } from './sign-checkpoint.command';

@CommandHandler(SignCheckpointCommand)
export class SignCheckpointHandler implements ICommandHandler<SignCheckpointCommand> {
  constructor(private readonly audit: AuditService) {}

  async execute(): Promise<CheckpointResult> {
    const c = await this.audit.checkpoint();
    return c ? { seq: c.seq, headHash: c.headHash, signedAt: c.signedAt } : { unchanged: true };
  }
}
