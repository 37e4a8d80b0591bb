import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { PLAN_EVENT, STEP_EVENT } from '@scm/personalisation';
import type { Logger } from 'pino';
import { LOGGER } from '../../platform/infra/tokens';
import type { Actor } from '../../trust/auth/principal';
import { WorkerChannel } from '../../trust/workers/worker-channel';
import { messageEvents } from '../../trust/workers/worker-message';
import { ReportStepCommand } from './report-step.command';

/**
 * Step reports arrive live over the worker channel, one per message or a batch per message; each
 * becomes a ReportStepCommand of its worker (issued together, so a batch is recorded together).
 */
@Injectable()
export class StepReportsListener implements OnModuleInit {
  constructor(
    private readonly channel: WorkerChannel,
    private readonly commands: CommandBus,
    @Inject(LOGGER) private readonly log: Logger,
  ) {}

  onModuleInit(): void {
    this.channel.onMessageFrom((workerId, m) => {
      const actor: Actor = { actor: `worker:${workerId}`, actorName: null, role: 'card-worker', requestId: null };
      for (const e of messageEvents(m) ?? []) {
        if ((e.event !== STEP_EVENT && e.event !== PLAN_EVENT) || !e.data || typeof e.data !== 'object') continue;
        const report = e.event === PLAN_EVENT ? { ...e.data, plan: true } : e.data;
        void this.commands
          .execute(new ReportStepCommand(workerId, report, actor))
          .catch((err: unknown) => this.log.warn({ worker: workerId, err: (err as Error).message }, 'step report not recorded'));
      }
    });
  }
}
