import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { testEnv } from './test-env';
import { Hopeless, waitFor } from './wait';
import { killOnExit } from './worker';
import { freePort } from '@scm/common';

const ROOT = join(__dirname, '..', '..');

/**
 * Starts `count` API replicas at once, as a deployment does; if one does not come up, those that
 * did are closed before its error is thrown (a replica left running would take the jobs of the
 * tests after this one from the shared queues). Replicas starting together on the SoftHSM2 test
 * token once left one unable to log in; the HSM library now rides that out (docs/hsm.md), and
 * starting them together keeps that tested.
 */
export async function startApiReplicas(count: number, env: Record<string, string> = {}): Promise<ApiReplica[]> {
  const started = await Promise.allSettled(Array.from({ length: count }, () => startApiReplica(env)));
  const up = started.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
  const failed = started.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (!failed) return up;
  await Promise.allSettled(up.map((r) => r.close()));
  throw failed.reason;
}

/** One replica of the issuer API as its own process (what `npm start` runs), on a fixed port. */
export interface ApiReplica {
  readonly port: number;
  readonly url: string;
  /** The current process id (a restart makes a new one). */
  pid(): number;
  /** Everything the replica logged, across restarts. */
  log(): string;
  /** Kills the process with `signal` (SIGKILL: no shutdown hooks run) and waits for it to exit. */
  kill(signal?: NodeJS.Signals): Promise<void>;
  /** Starts it again on the same port and waits until it answers /health. */
  start(): Promise<void>;
  /** Stops it (SIGTERM) and removes its files. */
  close(): Promise<void>;
}

/**
 * Starts an API replica (compiled: `npm run build` first) with the test environment plus `env`,
 * logging to a file; resolves once /health answers.
 */
export async function startApiReplica(env: Record<string, string> = {}, port?: number): Promise<ApiReplica> {
  const dir = mkdtempSync(join(tmpdir(), 'scm-api-replica-'));
  const logFile = join(dir, 'api.log');
  const p = port ?? (await freePort());
  const url = `http://127.0.0.1:${p}`;
  let child: ChildProcess | undefined;
  let err = '';
  const start = async (): Promise<void> => {
    const c = killOnExit(
      spawn(process.execPath, [join(ROOT, 'dist/apps/issuer-api/src/main.js')], {
        env: { ...process.env, ...testEnv, SCM_HTTP_PORT: String(p), SCM_LOG_FILE: logFile, ...env },
        stdio: ['ignore', 'ignore', 'pipe'],
      }),
    );
    child = c;
    c.stderr!.on('data', (d: Buffer) => (err += d.toString()));
    let health = '';
    try {
      await waitFor(
        `the API replica on port ${p} to answer`,
        async () => {
          if (c.exitCode !== null) throw new Hopeless(`the API exited ${c.exitCode}: ${err}`);
          const r = await fetch(`${url}/health`).catch(() => undefined);
          if (r && !r.ok) health = await r.text().catch(() => '');
          return r?.ok ? true : undefined;
        },
        60_000,
        200,
      );
    } catch (e) {
      // A replica that never came up is not left running: it would take the jobs of the tests
      // after this one from the shared queues. What it said is kept in the error.
      if (c.exitCode === null && c.signalCode === null) {
        const exited = new Promise((r) => c.once('exit', r));
        c.kill('SIGKILL');
        await exited;
      }
      throw new Error(`${(e as Error).message}${health ? `; its /health said ${health.slice(0, 600)}` : ''}`, { cause: e });
    }
  };
  const stop = async (signal: NodeJS.Signals): Promise<void> => {
    const c = child;
    if (!c || c.exitCode !== null || c.signalCode !== null) return;
    const exited = new Promise((r) => c.once('exit', r));
    c.kill(signal);
    await exited;
  };
  try {
    await start();
  } catch (e) {
    rmSync(dir, { recursive: true, force: true });
    throw e;
  }
  return {
    port: p,
    url,
    pid: () => child?.pid ?? 0,
    log: () => {
      try {
        return readFileSync(logFile, 'utf8') + err;
      } catch {
        return err;
      }
    },
    kill: (signal = 'SIGKILL') => stop(signal),
    start,
    async close() {
      await stop('SIGTERM');
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
