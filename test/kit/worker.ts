import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Workstation } from '@scm/config';
import type { RunningApi } from './api';
import { testEnv } from './test-env';
import { call, reauth, secondOfficer } from './users';

const ROOT = join(__dirname, '..', '..');

export interface RunningWorker {
  process: ChildProcess;
  stateDir: string;
  log(): string;
  /** Resolves when the log matches (or rejects after timeoutMs). */
  waitForLog(re: RegExp, timeoutMs?: number): Promise<void>;
  stop(): Promise<void>;
}

/** A card-worker process for a test workstation, with its own state dir (keys, id, token). */
export function spawnWorker(api: RunningApi, ws: Workstation, env: Record<string, string> = {}): RunningWorker {
  const stateDir = mkdtempSync(join(tmpdir(), 'scm-worker-'));
  let out = '';
  const child = killOnExit(
    spawn(process.execPath, [join(ROOT, 'dist/apps/card-worker/src/main.js')], {
      env: {
        ...process.env,
        ...testEnv,
        SCM_STATE_DIR: stateDir,
        SCM_API_URL: api.url,
        SCM_WORKSTATION: String(ws.id),
        SCM_HEARTBEAT_MS: '1000',
        PCSCLITE_CSOCK_NAME: ws.socket,
        SCM_LOG_LEVEL: 'info',
        ...env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    }),
  );
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  return {
    process: child,
    stateDir,
    log: () => out,
    async waitForLog(re, timeoutMs = 20000) {
      const t0 = Date.now();
      while (!re.test(out)) {
        if (child.exitCode !== null) throw new Error(`worker exited (${child.exitCode}):\n${out}`);
        if (Date.now() - t0 > timeoutMs) throw new Error(`worker log never matched ${re}:\n${out}`);
        await new Promise((r) => setTimeout(r, 100));
      }
    },
    async stop() {
      if (child.exitCode === null) {
        child.kill('SIGTERM');
        await new Promise((r) => child.once('exit', r));
      }
      rmSync(stateDir, { recursive: true, force: true });
    },
  };
}

type WorkerView = { id: string; fingerprint: string; status: string; workstation: number; online?: boolean };

/** Officer steps: an enrolment token for the workstation, then approval of the worker's fingerprint. */
export async function enrollmentToken(api: RunningApi, officerToken: string, workstation: number): Promise<string> {
  const r = await call<{ token: string }>(api.url, 'POST', '/api/v1/workers/enrollment-tokens', officerToken, { workstation });
  if (r.status !== 201) throw new Error(`enrollment token: HTTP ${r.status}`);
  return r.body.token;
}

/** An officer approves a worker (after confirming their password: approving a worker needs a fresh one). */
export async function approveWorker(api: RunningApi, officerToken: string, fingerprint: string): Promise<WorkerView> {
  await reauth(api.url, officerToken);
  const list = (await call<WorkerView[]>(api.url, 'GET', '/api/v1/workers', officerToken)).body;
  const w = list.find((x) => x.fingerprint === fingerprint);
  if (!w) throw new Error(`no worker with fingerprint ${fingerprint}`);
  const r = await call<WorkerView>(api.url, 'POST', `/api/v1/workers/${w.id}/approve`, officerToken, { fingerprint });
  if (r.status !== 200) throw new Error(`approve: HTTP ${r.status} ${JSON.stringify(r.body)}`);
  return r.body;
}

/**
 * Starts a worker, enrols it with a token the officer makes, and has a second officer approve it
 * (separation of duties); resolves once its channel is open.
 */
export async function startApprovedWorker(
  api: RunningApi,
  officerToken: string,
  ws: Workstation,
  env: Record<string, string> = {},
): Promise<RunningWorker & { id: string }> {
  const token = await enrollmentToken(api, officerToken, ws.id);
  const w = spawnWorker(api, ws, { SCM_ENROLLMENT_TOKEN: token, ...env });
  await w.waitForLog(/"msg":"waiting for an officer to approve this worker/);
  const fp = /"fingerprint":"([0-9A-F-]+)"/.exec(w.log())![1];
  const view = await approveWorker(api, (await secondOfficer(api.url)).token, fp);
  await w.waitForLog(/"msg":"channel to the API open"/);
  return Object.assign(w, { id: view.id });
}

const children = new Set<ChildProcess>();
let killerInstalled = false;

/**
 * Kills a spawned service (API, card worker) when the test process ends, should a failed test
 * leave it running: a worker outliving its test would go on taking the next tests' cards.
 */
export function killOnExit(child: ChildProcess): ChildProcess {
  if (!killerInstalled) {
    killerInstalled = true;
    process.once('exit', () => children.forEach((c) => c.exitCode === null && c.kill('SIGKILL')));
  }
  children.add(child);
  child.once('exit', () => children.delete(child));
  return child;
}
