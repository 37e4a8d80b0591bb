import { hostname } from 'node:os';
import { Inject, Injectable, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import type { Logger } from 'pino';
import { ReadersService } from '../readers/readers.service';
import { WORKER_CONFIG, WORKER_LOGGER, type WorkerConfig } from '../worker-config';

/** Reports the workstation's readers to the API on an interval and at every reader change. */
@Injectable()
export class HeartbeatService implements OnApplicationBootstrap, OnModuleDestroy {
  private timer: NodeJS.Timeout | undefined;
  private soon: NodeJS.Timeout | undefined;
  private failing = false;
  lastOk: Date | undefined;

  constructor(
    @Inject(WORKER_CONFIG) private readonly cfg: WorkerConfig,
    @Inject(WORKER_LOGGER) private readonly log: Logger,
    private readonly readers: ReadersService,
  ) {}

  onApplicationBootstrap(): void {
    const m = this.readers.monitor;
    for (const e of ['reader-added', 'reader-removed', 'card-inserted', 'card-removed'] as const) m.on(e, () => this.beatSoon());
    this.timer = setInterval(() => void this.beat(), this.cfg.SCM_HEARTBEAT_MS);
    this.beatSoon();
  }

  onModuleDestroy(): void {
    clearInterval(this.timer);
    clearTimeout(this.soon);
  }

  private beatSoon(): void {
    clearTimeout(this.soon);
    this.soon = setTimeout(() => void this.beat(), 50);
  }

  async beat(): Promise<boolean> {
    const body = {
      host: hostname(),
      readers: this.readers.monitor.list().map((r) => ({ name: r.name, cardPresent: r.cardPresent, atr: r.atr })),
    };
    try {
      const res = await fetch(`${this.cfg.SCM_API_URL}/api/v1/workstations/${this.cfg.SCM_WORKSTATION}/heartbeat`, {
        method: 'PUT',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(5000),
      });
      if (!res.ok) throw new Error(`HTTP ${res.status}`);
      if (this.failing) this.log.info('API reachable again');
      this.failing = false;
      this.lastOk = new Date();
      return true;
    } catch (e) {
      if (!this.failing) this.log.warn({ err: (e as Error).message, api: this.cfg.SCM_API_URL }, 'heartbeat to the API failed; retrying');
      this.failing = true;
      return false;
    }
  }
}
