import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from 'pg';
import { sleep } from './wait';
import { freePort } from '@scm/common';

/**
 * A PostgreSQL cluster of the test's own (initdb into a temporary directory, trust on loopback),
 * so a test can crash and restart it without touching the machine's cluster or anyone's run.
 * As root it runs as the postgres user, as PostgreSQL requires.
 */
export class PrivatePostgres {
  private proc: ChildProcess | undefined;
  private exited: Promise<void> = Promise.resolve();
  port = 0;
  readonly dir: string;
  private readonly bin: string;
  private readonly prefix: string[];

  constructor() {
    const versions = readdirSync('/usr/lib/postgresql').sort((a, b) => Number(b) - Number(a));
    if (versions.length === 0) throw new Error('no PostgreSQL server programs under /usr/lib/postgresql');
    this.bin = join('/usr/lib/postgresql', versions[0], 'bin');
    this.dir = mkdtempSync('/tmp/scm-pg-');
    this.prefix = process.getuid?.() === 0 ? ['runuser', '-u', 'postgres', '--'] : [];
  }

  /** A superuser URL for a database of this cluster. */
  url(user = 'postgres', db = 'postgres'): string {
    return `postgres://${user}@127.0.0.1:${this.port}/${db}`;
  }

  private run(program: string, args: string[]) {
    const argv = [...this.prefix, join(this.bin, program), ...args];
    return spawnSync(argv[0], argv.slice(1), { encoding: 'utf8' });
  }

  async start(): Promise<this> {
    const data = join(this.dir, 'data');
    if (!existsSync(join(data, 'PG_VERSION'))) {
      chmodSync(this.dir, 0o755);
      mkdirSync(data, { mode: 0o700 });
      if (this.prefix.length) {
        const uid = Number(spawnSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).stdout.trim());
        chownSync(data, uid, uid);
        chownSync(this.dir, uid, uid);
      }
      const r = this.run('initdb', ['-D', data, '--username=postgres', '--auth=trust', '-E', 'UTF8', '--no-sync']);
      if (r.status !== 0) throw new Error(`initdb failed: ${r.stderr || r.stdout}`);
    }
    if (!this.port) this.port = await freePort();
    const argv = [
      ...this.prefix,
      join(this.bin, 'postgres'),
      '-D',
      data,
      '-p',
      String(this.port),
      '-k',
      this.dir,
      '-c',
      'listen_addresses=127.0.0.1',
      '-c',
      'fsync=off',
      '-c',
      'max_connections=300',
    ];
    const child = spawn(argv[0], argv.slice(1), { stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    child.stderr!.on('data', (d: Buffer) => (err = (err + d.toString()).slice(-4000)));
    this.proc = child;
    this.exited = new Promise((r) => child.once('exit', () => r()));
    for (let i = 0; ; i++) {
      if (child.exitCode !== null) throw new Error(`postgres exited ${child.exitCode}: ${err}`);
      const c = new Client({ connectionString: this.url() });
      const ok = await c.connect().then(
        () => true,
        () => false,
      );
      await c.end().catch(() => undefined);
      if (ok) return this;
      if (i > 200) throw new Error(`postgres did not accept connections: ${err}`);
      await sleep(100);
    }
  }

  /**
   * A crash: the postmaster and every backend killed at once (SIGKILL to the process group the
   * postmaster leads is not available here, so an immediate shutdown: no checkpoint, WAL recovery
   * at the next start), then started again on the same port. Resolves once it accepts connections.
   */
  async crashRestart(downMs = 0): Promise<void> {
    const r = this.run('pg_ctl', ['stop', '-D', join(this.dir, 'data'), '-m', 'immediate', '-w']);
    if (r.status !== 0) throw new Error(`pg_ctl stop: ${r.stderr || r.stdout}`);
    await this.exited;
    if (downMs) await sleep(downMs);
    await this.start();
  }

  async stop(): Promise<void> {
    const p = this.proc;
    this.proc = undefined;
    if (p && p.exitCode === null) {
      p.kill('SIGINT');
      await Promise.race([this.exited, sleep(10_000)]);
      if (p.exitCode === null) p.kill('SIGKILL');
      await this.exited;
    }
    rmSync(this.dir, { recursive: true, force: true });
  }
}
