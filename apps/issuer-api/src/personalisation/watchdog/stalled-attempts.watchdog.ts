import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Logger } from 'pino';
import type { DataSource } from 'typeorm';
import { systemActor } from '../../trust/auth/principal';
import { API_CONFIG, type ApiConfig } from '../../platform/config/api-config';
import { LOGGER } from '../../platform/infra/tokens';
import { UnitOfWork } from '../../platform/infra/unit-of-work';
import { PeriodicWork } from '../../platform/jobs/periodic-work';
import { RequestStateMachine } from '../../issuance/requests/request-state-machine';
import { AttemptsService } from '../attempts.service';

const ACTOR = systemActor('personalisation-watchdog');

/**
 * A worker that died mid-attempt reports nothing: after SCM_PERSONALISATION_STALL_SECONDS without a
 * step, its request goes back to waiting for its card (the binding stays), so the card can be put
 * into any reader to resume — or spoiled by an officer. Safe with several API replicas: each
 * request is re-checked under its row lock.
 */
@Injectable()
export class StalledAttemptsWatchdog implements OnModuleInit {
  private running = false;

  constructor(
    private readonly uow: UnitOfWork,
    private readonly states: RequestStateMachine,
    private readonly attempts: AttemptsService,
    @InjectDataSource() private readonly ds: DataSource,
    @Inject(API_CONFIG) private readonly cfg: ApiConfig,
    @Inject(LOGGER) private readonly log: Logger,
    private readonly periodic: PeriodicWork,
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
      const stalled = (await this.ds.query(
        `SELECT p.request_id FROM personalisation p JOIN issuance_request r ON r.id = p.request_id
          WHERE r.state IN ('personalising', 'verifying') AND p.updated_at < now() - make_interval(secs => $1) LIMIT 100`,
        [this.cfg.SCM_PERSONALISATION_STALL_SECONDS],
      )) as Array<{ request_id: string }>;
      let n = 0;
      for (const { request_id } of stalled) {
        const moved = await this.uow.run(ACTOR, async (tx) => {
          const row = await this.states.lock(tx, request_id);
          const p = (await tx.em.query(`SELECT updated_at, card_id FROM personalisation WHERE request_id = $1`, [request_id])) as Array<{
            updated_at: Date;
            card_id: string;
          }>;
          if (!row || !p[0] || !['personalising', 'verifying'].includes(row.state)) return false;
          if (tx.now.getTime() - p[0].updated_at.getTime() < this.cfg.SCM_PERSONALISATION_STALL_SECONDS * 1000) return false;
          const serial =
            ((await tx.em.query(`SELECT serial FROM card WHERE id = $1`, [p[0].card_id])) as Array<{ serial: string | null }>)[0]?.serial ??
            null;
          await this.attempts.interrupt(tx, row, 'no report from the worker: worker lost', serial);
          return true;
        });
        if (moved) n++;
      }
      if (n) this.log.warn({ requests: n }, 'stalled personalisation attempts now wait for their cards');
      return n;
    } finally {
      this.running = false;
    }
  }
}
