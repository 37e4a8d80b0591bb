import { type ChildProcess, spawn } from 'node:child_process';
import Redis from 'ioredis';
import { freePort } from '@scm/common';

/** A redis-server of the test's own, so it can be flushed or stopped without touching anyone else. */
export class PrivateRedis {
  private proc: ChildProcess | undefined;
  port = 0;

  get url(): string {
    return `redis://127.0.0.1:${this.port}/0`;
  }

  async start(): Promise<this> {
    if (!this.port) this.port = await freePort();
    this.proc = spawn('redis-server', ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], {
      stdio: 'ignore',
    });
    const c = new Redis(this.url, { lazyConnect: true, retryStrategy: () => 100, maxRetriesPerRequest: 1 });
    for (let i = 0; i < 100; i++) {
      try {
        await c.connect().catch(() => undefined);
        if ((await c.ping()) === 'PONG') break;
      } catch {
        await new Promise((r) => setTimeout(r, 50));
      }
    }
    c.disconnect();
    return this;
  }

  client(): Redis {
    return new Redis(this.url);
  }

  async stop(): Promise<void> {
    const p = this.proc;
    this.proc = undefined;
    if (!p || p.exitCode !== null) return;
    p.kill('SIGKILL');
    await new Promise((r) => p.once('exit', r));
  }
}
