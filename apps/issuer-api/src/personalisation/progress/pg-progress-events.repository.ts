import { EventEmitter } from 'node:events';
import { Inject, Injectable, type OnModuleDestroy } from '@nestjs/common';
import { Client } from 'pg';
import type { Logger } from 'pino';
import { ISSUANCE_CHANNEL, parseNotification } from '../../issuance/requests/pg-request.repository';
import { API_CONFIG, type ApiConfig } from '../../platform/config/api-config';
import { LOGGER } from '../../platform/infra/tokens';
import { PERSONALISATION_CHANNEL, parseStepNotification } from '../attempts/pg-personalisation.repository';
import type { ProgressEvent, ProgressEventsRepository } from './progress-events.repository';

/**
 * The progress events PostgreSQL announces on the request and personalisation channels: one
 * LISTEN connection per API process, opened by the first subscriber and shared by all; a lost
 * connection resets every follower and is opened again by the next subscriber.
 */
@Injectable()
export class PgProgressEventsRepository implements ProgressEventsRepository, OnModuleDestroy {
  private readonly bus = new EventEmitter().setMaxListeners(0);
  private client: Promise<Client> | undefined;

  constructor(
    @Inject(API_CONFIG) private readonly cfg: ApiConfig,
    @Inject(LOGGER) private readonly log: Logger,
  ) {}

  async subscribe(fn: (e: ProgressEvent) => void): Promise<() => void> {
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
        const c = new Client({ connectionString: this.cfg.SCM_DATABASE_URL, application_name: 'scm-personalisation-progress' });
        c.on('notification', (n) => {
          if (!n.payload) return;
          try {
            if (n.channel === PERSONALISATION_CHANNEL) this.bus.emit('event', parseStepNotification(n.payload));
            else if (n.channel === ISSUANCE_CHANNEL) for (const e of parseNotification(n.payload)) this.bus.emit('event', e);
          } catch {
            /* a malformed notification is not ours */
          }
        });
        c.on('error', (err) => {
          this.log.warn({ err: err.message }, 'progress listener lost its connection');
          if (this.client === p) this.client = undefined;
          c.end().catch(() => undefined);
          this.bus.emit('reset');
        });
        await c.connect();
        await c.query(`LISTEN ${PERSONALISATION_CHANNEL}`);
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
