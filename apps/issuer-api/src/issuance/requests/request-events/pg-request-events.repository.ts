import { EventEmitter } from 'node:events';
import { Inject, Injectable, type OnModuleDestroy } from '@nestjs/common';
import { Client } from 'pg';
import type { Logger } from 'pino';
import { API_CONFIG, type ApiConfig } from '../../../platform/config/api-config';
import { LOGGER } from '../../../platform/infra/tokens';
import { ISSUANCE_CHANNEL, parseNotification } from '../pg-request.repository';
import type { RequestEvent } from '../request.repository';
import type { RequestEventsRepository } from './request-events.repository';

/**
 * Committed request changes, as PostgreSQL announces them: LISTEN on one connection per API
 * process, opened when the first follower subscribes. Every API replica hears every change, so a
 * client may follow a request on any replica.
 */
@Injectable()
export class PgRequestEventsRepository implements RequestEventsRepository, OnModuleDestroy {
  private readonly bus = new EventEmitter().setMaxListeners(0);
  private client: Promise<Client> | undefined;

  constructor(
    @Inject(API_CONFIG) private readonly cfg: ApiConfig,
    @Inject(LOGGER) private readonly log: Logger,
  ) {}

  async subscribe(fn: (e: RequestEvent) => void): Promise<() => void> {
    this.bus.on('event', fn);
    try {
      await this.listen();
    } catch (e) {
      this.bus.off('event', fn);
      throw e;
    }
    return () => this.bus.off('event', fn);
  }

  onReset(fn: () => void): () => void {
    this.bus.on('reset', fn);
    return () => this.bus.off('reset', fn);
  }

  private listen(): Promise<Client> {
    if (!this.client) {
      const p = (async () => {
        const c = new Client({ connectionString: this.cfg.SCM_DATABASE_URL, application_name: 'scm-issuance-events' });
        c.on('notification', (n) => {
          if (n.channel !== ISSUANCE_CHANNEL || !n.payload) return;
          for (const e of parseNotification(n.payload)) this.bus.emit('event', e);
        });
        c.on('error', (err) => {
          this.log.warn({ err: err.message }, 'issuance event listener lost its connection; reconnecting on next use');
          if (this.client === p) this.client = undefined;
          c.end().catch(() => undefined);
          // Followers would miss changes silently: tell them to resynchronise.
          this.bus.emit('reset');
        });
        await c.connect();
        await c.query(`LISTEN ${ISSUANCE_CHANNEL}`);
        return c;
      })();
      p.catch(() => {
        if (this.client === p) this.client = undefined;
      });
      this.client = p;
    }
    return this.client;
  }

  async onModuleDestroy(): Promise<void> {
    const c = await this.client?.catch(() => undefined);
    this.client = undefined;
    await c?.end().catch(() => undefined);
  }
}
