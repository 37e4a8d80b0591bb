import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { PLAN_EVENT, STEP_EVENT } from '@scm/personalisation';
import type { Logger } from 'pino';
import { LOGGER } from '../../platform/infra/tokens';
import type { Actor } from '../../trust/auth/principal';
import { WorkerChannel } from '../../trust/workers/worker-channel';
import { ReportStepCommand } from './report-step.command';

/** Step reports arrive live over the worker channel; each becomes a ReportStepCommand of its worker. */
@Injectable()
export class StepReportsListener implements OnModuleInit {
  constructor(
    private readonly channel: WorkerChannel,
    private readonly commands: CommandBus,
    @Inject(LOGGER) private readonly log: Logger,
  ) {}

  onModuleInit(): void {
    this.channel.onMessageFrom((workerId, m) => {
      if (m.type !== 'event' || (m.event !== STEP_EVENT && m.event !== PLAN_EVENT) || !m.data) return;
      const actor: Actor = { actor: `worker:${workerId}`, actorName: null, role: 'card-worker', requestId: null };
      const report = m.event === PLAN_EVENT ? { ...m.data, plan: true } : m.data;
      void this.commands
        .execute(new ReportStepCommand(workerId, report, actor))
        .catch((e: unknown) => this.log.warn({ worker: workerId, err: (e as Error).message }, 'step report not recorded'));
    });
  }
}
