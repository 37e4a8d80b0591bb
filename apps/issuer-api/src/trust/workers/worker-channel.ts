import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { Inject, Injectable, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { CommandBus } from '@nestjs/cqrs';
import type { Logger } from 'pino';
import { type RawData, type WebSocket, WebSocketServer } from 'ws';
import type { Principal } from '../auth/principal';
import { SessionService } from '../auth/session.service';
import { LOGGER } from '../../platform/infra/tokens';
import { UnitOfWork } from '../../platform/infra/unit-of-work';
import { ReportHeartbeatCommand } from '../workstations/report-heartbeat/report-heartbeat.command';
import { CHANNEL_MESSAGE_BURST, CHANNEL_MESSAGES_PER_SECOND, MessageBudget } from './message-budget';
import { messageEvents, parseWorkerMessage, readerHeartbeat, type WorkerMessage } from './worker-message';

export type { WorkerMessage } from './worker-message';

export const CHANNEL_PATH = '/api/v1/workers/channel';

/** Which workers are connected, and cutting one off: what use cases need of the channel. */
export interface WorkerConnections {
  connected(): Set<string>;
  disconnect(workerId: string, reason: string): void;
}

type Conn = { ws: WebSocket; principal: Extract<Principal, { kind: 'worker' }>; token: string; budget?: MessageBudget };

/**
 * The live, authenticated channel from each approved card worker (WebSocket, bearer worker session):
 * reader state now, job progress and interactive card sessions later. Sessions are re-checked
 * every 15 s and at every message, so a revoked worker is cut off. The re-check is a timer, not periodic work: each API
 * replica checks the connections it holds itself.
 */
@Injectable()
export class WorkerChannel implements WorkerConnections, OnApplicationBootstrap, OnModuleDestroy {
  private readonly wss = new WebSocketServer({ noServer: true, maxPayload: 256 * 1024 });
  private readonly conns = new Map<string, Conn>();
  private readonly listeners = new Set<(workerId: string, m: WorkerMessage) => void>();
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly adapter: HttpAdapterHost,
    private readonly sessions: SessionService,
    private readonly commands: CommandBus,
    @Inject(LOGGER) private readonly log: Logger,
    private readonly uow: UnitOfWork,
  ) {}

  onApplicationBootstrap(): void {
    // A one-shot host command runs the application without an HTTP server: no channel there.
    if (!this.adapter.httpAdapter) return;
    const server = this.adapter.httpAdapter.getHttpServer() as import('node:http').Server;
    server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
      // The only WebSocket path: an upgrade to any other is answered and its socket destroyed, not left open.
      if (!req.url || new URL(req.url, 'http://x').pathname !== CHANNEL_PATH) {
        socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
        socket.destroy();
        return;
      }
      void this.upgrade(req, socket, head);
    });
    this.timer = setInterval(() => void this.recheck(), 15_000);
    this.timer.unref();
  }

  onModuleDestroy(): void {
    clearInterval(this.timer);
    for (const c of this.conns.values()) c.ws.close(1001, 'server shutting down');
    this.wss.close();
  }

  private async upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    const auth = req.headers.authorization;
    const token = auth?.startsWith('Bearer ') ? auth.slice(7).trim() : '';
    const p = token ? await this.sessions.resolve(token).catch(() => null) : null;
    if (!p || p.kind !== 'worker') {
      socket.end(
        'HTTP/1.1 401 Unauthorized\r\nContent-Type: application/problem+json\r\nConnection: close\r\n\r\n{"code":"auth.unauthenticated","status":401}',
      );
      return;
    }
    this.wss.handleUpgrade(req, socket, head, (ws) => this.accept(ws, p, token));
  }

  private accept(ws: WebSocket, principal: Extract<Principal, { kind: 'worker' }>, token: string): void {
    this.conns.get(principal.id)?.ws.close(4409, 'replaced by a newer connection');
    this.conns.set(principal.id, { ws, principal, token, budget: new MessageBudget(CHANNEL_MESSAGES_PER_SECOND, CHANNEL_MESSAGE_BURST) });
    this.log.info({ worker: principal.id, workstation: principal.workstation }, 'worker channel open');
    ws.send(JSON.stringify({ type: 'welcome', workerId: principal.id, workstation: principal.workstation }));
    ws.on('message', (data: RawData) => void this.onMessage(principal, token, data));
    ws.on('close', () => {
      if (this.conns.get(principal.id)?.ws === ws) this.conns.delete(principal.id);
      this.log.info({ worker: principal.id }, 'worker channel closed');
    });
    ws.on('error', () => undefined);
  }

  private async onMessage(p: Extract<Principal, { kind: 'worker' }>, token: string, data: RawData): Promise<void> {
    const m = parseWorkerMessage(data.toString());
    const events = m === undefined ? undefined : messageEvents(m);
    if (m === undefined || events === undefined) return this.disconnect(p.id, 'malformed message');
    // A batch of events costs what its events would have cost as messages of their own.
    if (this.conns.get(p.id)?.budget?.take(Date.now(), Math.max(1, events.length)) === false)
      return this.disconnect(p.id, 'too many messages');
    // Every message is checked against a live session: a worker revoked or suspended (on any API
    // replica) is refused at its next message, not at the next periodic re-check.
    const live = await this.sessions.resolve(token).catch(() => null);
    if (!live || live.kind !== 'worker' || live.id !== p.id) {
      this.log.warn({ worker: p.id }, 'worker message refused: its session ended');
      this.disconnect(p.id, 'session ended');
      const asWorker = { actor: `worker:${p.id}`, actorName: p.name, role: 'card-worker', requestId: null };
      await this.uow
        .run(asWorker, async (tx) =>
          tx.audit({
            action: 'worker.channel',
            targetType: 'worker',
            targetId: p.id,
            outcome: 'denied',
            details: { reason: 'session-ended', message: m.type },
          }),
        )
        .catch((e: unknown) => this.log.warn({ worker: p.id, err: (e as Error).message }, 'refused channel message not audited'));
      return;
    }
    try {
      const hb = readerHeartbeat(m);
      if (hb) await this.commands.execute(new ReportHeartbeatCommand(p.workstation, hb.host, hb.readers, p.id));
      for (const l of this.listeners) l(p.id, m);
    } catch (e) {
      this.log.warn({ worker: p.id, err: (e as Error).message }, 'worker message not handled');
    }
  }

  private async recheck(): Promise<void> {
    for (const [id, c] of this.conns) {
      const p = await this.sessions.resolve(c.token).catch(() => null);
      if (!p) this.disconnect(id, 'session ended');
    }
  }

  /** Subscribes to messages from workers (job progress, card sessions). */
  onMessageFrom(fn: (workerId: string, m: WorkerMessage) => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  send(workerId: string, message: Record<string, unknown>): boolean {
    const c = this.conns.get(workerId);
    if (!c) return false;
    c.ws.send(JSON.stringify(message));
    return true;
  }

  connected(): Set<string> {
    return new Set(this.conns.keys());
  }

  disconnect(workerId: string, reason: string): void {
    const c = this.conns.get(workerId);
    if (!c) return;
    this.conns.delete(workerId);
    try {
      c.ws.send(JSON.stringify({ type: 'closing', reason }));
    } catch {
      /* already gone */
    }
    c.ws.close(4403, reason.slice(0, 100));
  }
}
