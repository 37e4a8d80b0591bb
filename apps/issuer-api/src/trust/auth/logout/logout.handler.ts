import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { UnitOfWork } from '../../../platform/infra/unit-of-work';
import { SessionService } from '../session.service';
import { LogoutCommand } from './logout.command';

@CommandHandler(LogoutCommand)
export class LogoutHandler implements ICommandHandler<LogoutCommand> {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly sessions: SessionService,
  ) {}

  execute(c: LogoutCommand): Promise<void> {
    return this.uow.run(c.actor, async (tx) => {
      await this.sessions.revoke(tx, c.principal.sessionId);
      tx.audit({
        action: 'auth.logout',
        targetType: c.principal.kind,
        targetId: c.principal.id,
        outcome: 'success',
        details: { sessionId: c.principal.sessionId },
      });
    });
  }
}
