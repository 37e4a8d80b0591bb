import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import type { Logger } from 'pino';
import { API_CONFIG, type ApiConfig } from '../../platform/config/api-config';
import { LOGGER } from '../../platform/infra/tokens';
import { PeriodicWork } from '../../platform/jobs/periodic-work';
import { SweepStalledAttemptsCommand } from './sweep-stalled-attempts/sweep-stalled-attempts.command';

/** Sweeps stalled personalisation attempts a few times per stall period (one sweep at a time in this process). */
@Injectable()
export class StalledAttemptsWatchdog implements OnModuleInit {
  private running = false;

  constructor(
    private readonly commands: CommandBus,
    private readonly periodic: PeriodicWork,
    @Inject(API_CONFIG) private readonly cfg: ApiConfig,
    @Inject(LOGGER) private readonly log: Logger,
  ) {}

  onModuleInit(): void {
    const every = Math.max(1000, Math.min(30_000, (this.cfg.SCM_PERSONALISATION_STALL_SECONDS * 1000) / 4));
    this.periodic.every('sweep-stalled-attempts', every, StalledAttemptsWatchdog.name, async () => {
      await this.sweep();
    });
  }

  /** Moves stalled attempts back to awaiting-card; returns how many. */
  async sweep(): Promise<number> {
    if (this.running) return 0;
    this.running = true;
    try {
      const n = await this.commands.execute(new SweepStalledAttemptsCommand());
      if (n) this.log.warn({ requests: n }, 'stalled personalisation attempts now wait for their cards');
      return n;
    } finally {
      this.running = false;
    }
  }
}
