import { hostname } from 'node:os';
import { Inject, Injectable, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import type { Logger } from 'pino';
import WebSocket from 'ws';
import { EnrolmentService } from '../enrolment/enrolment.service';
import type { ChannelEvent } from './event-batch';
import { ReadersService } from '../readers/readers.service';
import { WORKER_CONFIG, WORKER_LOGGER, type WorkerConfig } from '../worker-config';

/**
 * The live channel to the API: reader state at every change and every heartbeat interval; later
 * job progress and interactive card sessions. Reconnects (and logs in again) when it drops.
 */
@Injectable()
export class ChannelService implements OnApplicationBootstrap, OnModuleDestroy {
  private ws: WebSocket | undefined;
  private timer: NodeJS.Timeout | undefined;
  private soon: NodeJS.Timeout | undefined;
  private stopped = false;
  private readonly handlers = new Set<(m: Record<string, unknown>) => void>();

  constructor(
    @Inject(WORKER_CONFIG) private readonly cfg: WorkerConfig,
    @Inject(WORKER_LOGGER) private readonly log: Logger,
    private readonly enrolment: EnrolmentService,
    private readonly readers: ReadersService,
  ) {}

  onApplicationBootstrap(): void {
    const m = this.readers.monitor;
    for (const e of ['reader-added', 'reader-removed', 'card-inserted', 'card-removed'] as const) m.on(e, () => this.reportSoon());
    this.timer = setInterval(() => this.report(), this.cfg.SCM_HEARTBEAT_MS);
    void this.connect();
  }

  onModuleDestroy(): void {
    this.stopped = true;
    clearInterval(this.timer);
    clearTimeout(this.soon);
    this.ws?.close(1000, 'worker stopping');
  }

  get open(): boolean {
    return this.ws?.readyState === WebSocket.OPEN;
  }

  private async connect(): Promise<void> {
    if (this.stopped) return;
    const s = await this.enrolment.whenApproved();
    if (this.stopped) return;
    const url = `${this.cfg.SCM_API_URL.replace(/^http/, 'ws')}/api/v1/workers/channel`;
    const ws = new WebSocket(url, { headers: { authorization: `Bearer ${s.token}` }, handshakeTimeout: 10000 });
    this.ws = ws;
    ws.on('open', () => {
      this.log.info('channel to the API open');
      this.report();
    });
    ws.on('message', (data) => {
      try {
        const m = JSON.parse(data.toString()) as Record<string, unknown>;
        for (const h of this.handlers) h(m);
      } catch {
        /* ignore malformed */
      }
    });
    ws.on('unexpected-response', (_req, res) => {
      if (res.statusCode === 401) this.enrolment.invalidate();
    });
    ws.on('error', () => undefined);
    ws.on('close', (code, reason) => {
      if (this.ws === ws) this.ws = undefined;
      if (this.stopped) return;
      if (code === 4403) {
        this.log.warn({ reason: reason.toString() }, 'the API closed the channel');
        this.enrolment.invalidate();
      }
      setTimeout(() => void this.connect(), 2000);
    });
  }

  /** Handlers for messages the API sends on the channel. */
  onMessage(fn: (m: Record<string, unknown>) => void): void {
    this.handlers.add(fn);
  }

  send(m: Record<string, unknown>): boolean {
    if (!this.open) return false;
    this.ws!.send(JSON.stringify(m));
    return true;
  }

  /** Several events in one message (the API records a request's reports of one message together). */
  sendEvents(events: ChannelEvent[]): boolean {
    return this.send({ type: 'events', events });
  }

  private reportSoon(): void {
    clearTimeout(this.soon);
    this.soon = setTimeout(() => this.report(), 50);
  }

  private report(): void {
    this.send({
      type: 'readers',
      host: hostname(),
      readers: this.readers.monitor.list().map((r) => ({ name: r.name, cardPresent: r.cardPresent, atr: r.atr })),
    });
  }
}
