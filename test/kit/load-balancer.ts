import { createServer, type Server, Socket, type AddressInfo } from 'node:net';

/**
 * A round-robin TCP load balancer in front of several API replicas, as nginx's `upstream` block
 * with passive health checks does it (docs/deploy.md, "Running N replicas"): each new connection
 * goes to the next upstream; one that refuses the connection is tried no more for `failTimeoutMs`
 * (nginx: max_fails=1 fail_timeout) and the connection goes to the next. A connection whose
 * upstream dies is cut, as nginx answers 502 to a request it has already sent. HTTP keep-alive and
 * WebSocket upgrades ride on their connection, so a connection stays with its replica.
 */
export class LoadBalancer {
  private server: Server | undefined;
  private readonly sockets = new Set<Socket>();
  private readonly downUntil = new Map<number, number>();
  private next = 0;
  port = 0;
  /** Connections handed to each upstream (by index). */
  readonly connections: number[];

  constructor(
    private readonly upstreams: number[],
    private readonly opts: { failTimeoutMs?: number; host?: string } = {},
  ) {
    this.connections = upstreams.map(() => 0);
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  async up(): Promise<number> {
    this.server = createServer((client) => {
      client.pause();
      this.sockets.add(client);
      client.on('error', () => undefined).on('close', () => this.sockets.delete(client));
      this.connect(client, 0);
    });
    await new Promise<void>((r) => this.server!.listen(this.port, '127.0.0.1', () => r()));
    this.port = (this.server.address() as AddressInfo).port;
    return this.port;
  }

  /** Picks the next upstream not marked down (all of them when every one is). */
  private pick(): number {
    const now = Date.now();
    for (let i = 0; i < this.upstreams.length; i++) {
      const k = (this.next + i) % this.upstreams.length;
      if ((this.downUntil.get(k) ?? 0) <= now) {
        this.next = k + 1;
        return k;
      }
    }
    return this.next++ % this.upstreams.length;
  }

  private connect(client: Socket, tried: number): void {
    if (client.destroyed) return;
    if (tried >= this.upstreams.length) {
      client.destroy();
      return;
    }
    const k = this.pick();
    const upstream = new Socket();
    this.sockets.add(upstream);
    let open = false;
    upstream.on('error', () => {
      if (!open) this.downUntil.set(k, Date.now() + (this.opts.failTimeoutMs ?? 2000));
    });
    upstream.on('close', () => {
      this.sockets.delete(upstream);
      // Refused before anything was sent: the next upstream gets the connection.
      if (!open) return this.connect(client, tried + 1);
      client.destroy();
    });
    upstream.connect(this.upstreams[k], this.opts.host ?? '127.0.0.1', () => {
      open = true;
      if (client.destroyed) {
        upstream.destroy();
        return;
      }
      this.connections[k]++;
      client.on('close', () => upstream.destroy());
      client.pipe(upstream);
      upstream.pipe(client);
      client.resume();
    });
  }

  async down(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    this.sockets.clear();
    const srv = this.server;
    this.server = undefined;
    if (srv) await new Promise<void>((r) => srv.close(() => r()));
  }
}
