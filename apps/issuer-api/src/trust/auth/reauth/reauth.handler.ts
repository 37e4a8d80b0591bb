import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { verifyPassword } from '@scm/common';
import { UnitOfWork } from '../../../platform/infra/unit-of-work';
import { AuthError, AuthErrorCode } from '../auth-errors';
import { SessionService } from '../session.service';
import { ReauthCommand } from './reauth.command';

@CommandHandler(ReauthCommand)
export class ReauthHandler implements ICommandHandler<ReauthCommand, { reauthenticatedAt: string }> {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly sessions: SessionService,
  ) {}

  execute(c: ReauthCommand): Promise<{ reauthenticatedAt: string }> {
    return this.uow.run(c.actor, async (tx) => {
      const rows = (await tx.em.query(`SELECT password_hash FROM app_user WHERE id = $1 AND NOT disabled`, [c.principal.id])) as Array<{
        password_hash: string;
      }>;
      if (!(await verifyPassword(rows[0]?.password_hash, c.password))) {
        tx.audit({
          action: 'auth.reauth',
          targetType: 'user',
          targetId: c.principal.id,
          outcome: 'failure',
          details: { reason: 'invalid-credentials' },
        });
        return tx.refuse(new AuthError(AuthErrorCode.InvalidCredentials, 'wrong password'));
      }
      await this.sessions.markReauthenticated(tx.em, c.principal.sessionId);
      tx.audit({
        action: 'auth.reauth',
        targetType: 'user',
        targetId: c.principal.id,
        outcome: 'success',
        details: { sessionId: c.principal.sessionId },
      });
      return { reauthenticatedAt: tx.now.toISOString() };
    });
  }
}
