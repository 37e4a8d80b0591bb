/**
 * The services of a chaos run, each one the run may kill: a PostgreSQL cluster and a Redis of its
 * own (so crashing them touches nobody else), the issuer API as its own process on a fixed port
 * (so it comes back where the workers look for it), and the card workers of the four test
 * workstations, restarted with the identity they had.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { appendFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setupCaHierarchy, PgCaStore, pgClientRunner } from '@scm/ca';
import { provisionDatabase } from '@scm/db';
import { HsmContext, hsmSettingsFrom } from '@scm/hsm';
import {
  killOnExit,
  PrivatePostgres,
  PrivateRedis,
  type RunningApi,
  type RunningWorker,
  startApprovedWorker,
  testEnv,
  testWorkstations,
  waitFor,
} from '@scm/test-kit';
import { Client } from 'pg';
import { API_ENV, respawnWorker, WORKER_ENV } from '../personalisation/support';
import { freePort } from '@scm/common';

const ROOT = join(__dirname, '..', '..');
const DB = 'scm_chaos';

/**
 * Points the test kit (and bin/scm run by it) at the run's own PostgreSQL and Redis: the kit reads
 * `testEnv` when it is called, so every helper after this uses them.
 */
async function useOwnServices(pg: PrivatePostgres, redis: PrivateRedis): Promise<void> {
  const urls = {
    SCM_DATABASE_URL: pg.url('scm_app', DB),
    SCM_DATABASE_OWNER_URL: pg.url('scm_owner', DB),
    SCM_DATABASE_ADMIN_URL: pg.url(),
    SCM_REDIS_URL: redis.url,
    SCM_REDIS_PREFIX: 'scm-chaos',
  };
  Object.assign(testEnv, urls);
  Object.assign(process.env, urls);
  await provisionDatabase({ adminUrl: urls.SCM_DATABASE_ADMIN_URL, ownerUrl: urls.SCM_DATABASE_OWNER_URL, recreate: true });
  // The CA hierarchy of this database (its keys are the test token's, made by the global set-up).
  const hsm = HsmContext.open(
    hsmSettingsFrom({
      SCM_PKCS11_MODULE: '/usr/lib/softhsm/libsofthsm2.so',
      SCM_PKCS11_TOKEN_LABEL: testEnv.SCM_PKCS11_TOKEN_LABEL,
      SCM_PKCS11_SLOT: -1,
      SCM_PKCS11_PIN: '',
      SCM_PKCS11_PIN_FILE: '',
      SCM_STATE_DIR: testEnv.SCM_STATE_DIR,
    }),
  );
  const db = new Client({ connectionString: urls.SCM_DATABASE_URL });
  await db.connect();
  try {
    await setupCaHierarchy(hsm, new PgCaStore(() => pgClientRunner(db)), {
      organization: 'SCM Chaos',
      publicBaseUrl: 'http://127.0.0.1:7400',
    });
  } finally {
    await db.end();
    hsm.close();
  }
}

/** The issuer API as its own process on a port that stays the same across kills. */
export class ChaosApi implements RunningApi {
  app = undefined as unknown as RunningApi['app'];
  private child: ChildProcess | undefined;
  private readonly dir = mkdtempSync(join(tmpdir(), 'scm-chaos-api-'));
  private stderr = '';
  private constructor(private readonly port: number) {}

  static async start(): Promise<ChaosApi> {
    const api = new ChaosApi(await freePort());
    await api.spawn();
    return api;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  log(): string {
    try {
      return readFileSync(join(this.dir, 'api.log'), 'utf8');
    } catch {
      return '';
    }
  }

  async spawn(): Promise<void> {
    const child = killOnExit(
      spawn(process.execPath, [join(ROOT, 'dist/apps/issuer-api/src/main.js')], {
        env: {
          ...process.env,
          ...testEnv,
          ...API_ENV,
          SCM_HTTP_PORT: String(this.port),
          SCM_LOG_FILE: join(this.dir, 'api.log'),
          SCM_LOG_LEVEL: 'info',
        },
        stdio: ['ignore', 'ignore', 'pipe'],
      }),
    );
    this.child = child;
    child.stderr!.on('data', (d: Buffer) => (this.stderr = (this.stderr + d.toString()).slice(-8000)));
    await waitFor(
      'the API to answer',
      async () => {
        if (child.exitCode !== null) throw new Error(`the API exited ${child.exitCode}: ${this.stderr}`);
        const r = await fetch(`${this.url}/health`).catch(() => undefined);
        return r?.ok ? true : undefined;
      },
      60_000,
      200,
    );
  }

  /** SIGKILL: no shutdown hook runs, nothing is flushed. */
  async kill(): Promise<void> {
    const c = this.child;
    if (!c || c.exitCode !== null || c.signalCode !== null) return;
    const gone = new Promise((r) => c.once('exit', r));
    c.kill('SIGKILL');
    await gone;
  }

  async close(): Promise<void> {
    const c = this.child;
    if (c && c.exitCode === null && c.signalCode === null) {
      const gone = new Promise((r) => c.once('exit', r));
      c.kill('SIGTERM');
      await Promise.race([gone, new Promise((r) => setTimeout(r, 15_000))]);
      if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
    }
    rmSync(this.dir, { recursive: true, force: true });
  }
}

export class ChaosStack {
  readonly workers = new Map<number, RunningWorker>();
  private readonly stateDirs = new Map<number, string>();
  /** Workers that exited when the driver had not killed them: each one a finding. */
  readonly unexpectedExits: string[] = [];
  private readonly killing = new Set<number>();
  /** Where the run's logs are kept (every worker's, the API's) for a run that went wrong. */
  readonly logDir = mkdtempSync(join(tmpdir(), 'scm-chaos-logs-'));

  private constructor(
    readonly pg: PrivatePostgres,
    readonly redis: PrivateRedis,
    readonly api: ChaosApi,
  ) {}

  /** PostgreSQL and Redis of the run's own, migrated and with the CA; then the API. */
  static async start(): Promise<ChaosStack> {
    const pg = await new PrivatePostgres().start();
    const redis = await new PrivateRedis().start();
    await useOwnServices(pg, redis);
    return new ChaosStack(pg, redis, await ChaosApi.start());
  }

  /** Enrols and approves a worker on each workstation (officer makes the token, the second officer approves). */
  async startWorkers(officerToken: string, workstations: number[]): Promise<void> {
    for (const id of workstations) {
      const ws = testWorkstations().find((w) => w.id === id)!;
      const w = await startApprovedWorker(this.api, officerToken, ws, WORKER_ENV);
      this.watch(id, w);
      this.stateDirs.set(id, w.stateDir);
    }
  }

  /** SIGKILL a workstation's worker, and start it again with the identity it had. */
  async killWorker(ws: number, downMs: number): Promise<void> {
    const w = this.workers.get(ws)!;
    this.killing.add(ws);
    if (w.process.exitCode === null && w.process.signalCode === null) {
      const gone = new Promise((r) => w.process.once('exit', r));
      w.process.kill('SIGKILL');
      await gone;
    }
    this.killing.delete(ws);
    await new Promise((r) => setTimeout(r, downMs));
    const again = respawnWorker({ api: this.api } as never, ws, this.stateDirs.get(ws)!);
    this.watch(ws, again);
    await again.waitForLog(/"msg":"channel to the API open"/, 60_000);
  }

  /** Keeps a worker's log when it exits, and records an exit the driver did not cause. */
  private watch(ws: number, w: RunningWorker): void {
    this.workers.set(ws, w);
    w.process.once('exit', (code, signal) => {
      appendFileSync(join(this.logDir, `worker-${ws}.log`), w.log());
      if (!this.killing.has(ws) && !this.closing)
        this.unexpectedExits.push(
          `worker of workstation ${ws} exited (${signal ?? `code ${code}`}): ${w.log().split('\n').slice(-6).join(' | ')}`,
        );
    });
  }

  /** Writes the logs of the workers still running and the API's beside the logs of those that exited; returns the directory. */
  saveLogs(): string {
    for (const [ws, w] of this.workers) writeFileSync(join(this.logDir, `worker-${ws}.running.log`), w.log());
    writeFileSync(join(this.logDir, 'api.log'), this.api.log());
    return this.logDir;
  }

  /** Workers whose process is running. */
  alive(): number {
    return [...this.workers.values()].filter((w) => w.process.exitCode === null && w.process.signalCode === null).length;
  }

  async killApi(downMs: number): Promise<void> {
    await this.api.kill();
    await new Promise((r) => setTimeout(r, downMs));
    await this.api.spawn();
  }

  /** Redis killed (it keeps nothing: no snapshot, no AOF) and started empty on the same port. */
  async killRedis(downMs: number): Promise<void> {
    await this.redis.stop();
    await new Promise((r) => setTimeout(r, downMs));
    await this.redis.start();
  }

  async restartPostgres(downMs: number): Promise<void> {
    await this.pg.crashRestart(downMs);
  }

  /** The tail of each worker's log, or with `about`, every line of any worker (this run) naming one of those strings. */
  workerLogs(about: string[] = []): string {
    return [...this.workers]
      .map(([ws, w]) => {
        const lines = w.log().split('\n');
        const picked = about.length ? lines.filter((l) => about.some((a) => l.includes(a))) : lines.slice(-30);
        return `--- worker ${ws}\n${picked.join('\n')}`;
      })
      .join('\n');
  }

  private closing = false;

  async close(): Promise<void> {
    this.closing = true;
    for (const w of this.workers.values()) await w.stop().catch(() => undefined);
    for (const d of this.stateDirs.values()) rmSync(d, { recursive: true, force: true });
    await this.api.close();
    await this.redis.stop();
    await this.pg.stop();
  }
}
