import { EventEmitter } from 'node:events';
import { Inject, Injectable, type OnModuleDestroy } from '@nestjs/common';
import { Client } from 'pg';
import type { Logger } from 'pino';
import { API_CONFIG, type ApiConfig } from '../config/api-config';
import { LOGGER } from './tokens';

/**
 * What PostgreSQL announces with pg_notify once a transaction commits, for the API's followers
 * (server-sent events): one LISTEN connection per API process, opened by the first subscriber of
 * a channel and shared by all. Every replica hears every change, so a client may follow on any
 * replica. A lost connection tells every follower to read the state again (they may have missed
 * changes) and is opened again by the next subscriber.
 */
@Injectable()
export class PgNotifications implements OnModuleDestroy {
  private readonly bus = new EventEmitter().setMaxListeners(0);
  private client: Promise<Client> | undefined;
  private readonly channels = new Set<string>();

  constructor(
    @Inject(API_CONFIG) private readonly cfg: ApiConfig,
    @Inject(LOGGER) private readonly log: Logger,
  ) {}

  /** Calls fn with the payload of every notification on `channel`; resolves once listening, with the function that stops. */
  async subscribe(channel: string, fn: (payload: string) => void): Promise<() => void> {
    const topic = `channel:${channel}`;
    this.bus.on(topic, fn);
    try {
      const c = await this.connection();
      if (!this.channels.has(channel)) {
        await c.query(`LISTEN ${channel}`);
        this.channels.add(channel);
      }
    } catch (e) {
      this.bus.off(topic, fn);
      throw e;
    }
    return () => this.bus.off(topic, fn);
  }

  /** Calls fn when notifications may have been missed (the connection was lost). */
  onReset(fn: () => void): () => void {
    this.bus.on('reset', fn);
    return () => this.bus.off('reset', fn);
  }

  private connection(): Promise<Client> {
    if (!this.client) {
      const p = (async () => {
        const c = new Client({ connectionString: this.cfg.SCM_DATABASE_URL, application_name: 'scm-notifications' });
        c.on('notification', (n) => {
          if (n.payload) this.bus.emit(`channel:${n.channel}`, n.payload);
        });
        c.on('error', (err) => {
          this.log.warn({ err: err.message }, 'the notification listener lost its connection; reconnecting on next use');
          if (this.client === p) {
            this.client = undefined;
            this.channels.clear();
          }
          c.end().catch(() => undefined);
          this.bus.emit('reset');
        });
        await c.connect();
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
    this.channels.clear();
    await c?.end().catch(() => undefined);
  }
}
