import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LocalCompose, makeSecrets } from '@scm/compose-local';
import { killOnExit, waitFor } from '@scm/test-kit';

export const ROOT = join(__dirname, '..', '..');

/** An HTTPS call through the TLS proxy, trusting only the deployment's certificate. */
export function httpsJson<T = unknown>(
  url: string,
  ca: string,
  method: string,
  path: string,
  token?: string,
  body?: unknown,
): Promise<{ status: number; body: T }> {
  return new Promise((resolve, reject) => {
    const req = request(
      `${url}${path}`,
      {
        method,
        ca: readFileSync(ca),
        headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      },
      (res) => {
        let text = '';
        res.on('data', (d: Buffer) => (text += d.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: (text ? JSON.parse(text) : undefined) as T }));
      },
    );
    req.on('error', reject);
    req.end(body === undefined ? undefined : JSON.stringify(body));
  });
}

export interface Deployment {
  compose: LocalCompose;
  dir: string;
  secrets: Record<string, string>;
  /** https://127.0.0.1:<proxy port> */
  publicUrl: string;
}

/** docker-compose.yml as local processes, with fresh secrets; `up` not yet called. */
export async function prepareDeployment(log?: (l: string) => void): Promise<Deployment> {
  const dir = mkdtempSync(join(tmpdir(), 'scm-compose-'));
  const secrets = makeSecrets(join(dir, 'secrets'));
  const compose = await LocalCompose.prepare({
    file: join(ROOT, 'docker-compose.yml'),
    root: ROOT,
    workDir: join(dir, 'run'),
    secretFiles: secrets,
    interpolation: { SCM_ORGANIZATION: 'SCM Deploy Test' },
    extraEnv: { SCM_LOG_LEVEL: 'warn' },
    log,
  });
  return {
    compose,
    dir,
    secrets,
    get publicUrl() {
      return compose.url('proxy', 'https');
    },
  };
}

export interface Spawned {
  process: ChildProcess;
  log(): string;
  waitForLog(re: RegExp, timeoutMs?: number): Promise<RegExpExecArray>;
  stop(): Promise<void>;
}

/** A process whose output the test reads (a card worker, a software card). */
export function spawnLogged(file: string, args: string[], env: NodeJS.ProcessEnv): Spawned {
  let out = '';
  const child = killOnExit(spawn(file, args, { env, stdio: ['ignore', 'pipe', 'pipe'] }));
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  return {
    process: child,
    log: () => out,
    waitForLog: (re, timeoutMs = 30_000) =>
      waitFor(
        `${file} to log ${re}`,
        async () => {
          const m = re.exec(out);
          if (m) return m;
          if (child.exitCode !== null) throw new Error(`exited ${child.exitCode}:\n${out.slice(-3000)}`);
          return undefined;
        },
        timeoutMs,
        100,
      ).catch((e: Error) => {
        throw new Error(`${e.message}\n${out.slice(-3000)}`);
      }),
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        await new Promise((r) => child.once('exit', r));
      }
    },
  };
}
