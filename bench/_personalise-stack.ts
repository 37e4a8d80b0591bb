/**
 * Shared by the personalisation benchmarks: an API in this process over a database of the bench's
 * own (recreated), card workers as their own processes (one per workstation, enrolled and approved),
 * software cards fed into vpcd readers, and what the workers logged per card.
 * Environment: SCM_BENCH_STATE_DIR (workstations; default SCM_STATE_DIR or /var/lib/scm),
 * SCM_PKCS11_TOKEN_LABEL/SCM_STATE_DIR (the HSM token, which must hold the VSC keys: scm vsc init-keys),
 * SCM_BENCH_SUFFIX with BENCH_REDIS_DB (a database and a Redis database of its own, for a second run
 * on the same machine).
 */
import 'reflect-metadata';
import { type ChildProcess, fork, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { appendFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogger, hashPassword, freePort } from '@scm/common';
import { readWorkstations, vpcdReaderName, type Workstation } from '@scm/config';
import { type BenchCard, insertCard, newCard, type Reader, removeCard, sleep } from './_soft-cards';
import { createDataSource } from '@scm/db';
import { provisionCardKeys } from '@scm/card-secrets';
import type { DataSource } from 'typeorm';
import { createApiApp, type ApiApp, loadApiConfig } from '../apps/issuer-api/src';
import type { FarmReply, FarmRequest } from './_card-farm';
import type { Issued } from './_steady';
import { BENCH_PASSWORD, BENCH_USER, benchIssuer, clearBenchRedis } from './_issuer-setup';

const ROOT = join(__dirname, '..', '..');
// SCM_BENCH_SUFFIX keeps two runs on one machine apart (their own database; BENCH_REDIS_DB their Redis).
const SUFFIX = (process.env.SCM_BENCH_SUFFIX ?? '').replace(/[^a-z0-9]/g, '');
const DB = `scm_bench_personalise${SUFFIX ? `_${SUFFIX}` : ''}`;
// Redis: the application's prefix in a database of the benchmark's own (BENCH_REDIS_DB, default 13).
const REDIS_DB = process.env.BENCH_REDIS_DB ?? '13';

const APPROVER = 'bench-approver';

export { type BenchCard, insertCard, newCard, type Reader, removeCard, sleep } from './_soft-cards';

export interface BenchWorker {
  ws: Workstation;
  process: ChildProcess;
  log: string;
  stop(): Promise<void>;
}

export interface BenchStack {
  url: string;
  /** Every API replica's URL: this process's first, then the processes of BENCH_API_REPLICAS. */
  urls: string[];
  /** The process ids of the API replicas beyond this process. */
  replicaPids(): number[];
  token: string;
  ds: DataSource;
  readers: Reader[];
  workers: Map<number, BenchWorker>;
  startWorkers(ids: number[]): Promise<void>;
  stopWorkers(): Promise<void>;
  cardholders(n: number): Promise<string[]>;
  /** Creates a profile whose four slots use one algorithm (9D escrowed, the others generated on the card). */
  profile(id: string, alg: 'p256' | 'rsa2048'): Promise<void>;
  issue(holders: string[], profile: string): Promise<string[]>;
  close(): Promise<void>;
}

async function post<T>(url: string, token: string | undefined, body: unknown): Promise<T> {
  let res: Response;
  // The auth routes have a rate limit of their own: wait as the answer says.
  for (let attempt = 1; ; attempt++) {
    res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify(body),
    });
    if (res.status !== 429 || attempt === 20) break;
    await res.text();
    await sleep(1500);
  }
  const j = (await res.json()) as T;
  if (!res.ok) throw new Error(`${url}: HTTP ${res.status} ${JSON.stringify(j)}`);
  return j;
}

export async function startBenchStack(): Promise<BenchStack> {
  const { ownerUrl, base, cfg, ds, hsm, caKeys } = await benchIssuer(DB, REDIS_DB, {
    SCM_RATE_LIMIT_PER_MINUTE: '1000000',
    // Software cards with the factory key: development stock (docs/stock.md section 2).
    SCM_DEV_STOCK: '1',
  });
  // The database is new: jobs a previous run left in the bench's queues name requests that are gone.
  await clearBenchRedis(cfg.SCM_REDIS_URL);
  await provisionCardKeys(hsm);
  const api: ApiApp = await createApiApp(
    loadApiConfig({ ...base, SCM_CA_ROOT_ID: 'scm-root', SCM_CA_ISSUING_ID: 'scm-issuing' }),
    createLogger({ name: 'bench', level: 'error' }),
  );
  await api.app.listen(0, '127.0.0.1');
  const url = `http://127.0.0.1:${(api.app.getHttpServer().address() as AddressInfo).port}`;
  // BENCH_API_REPLICAS=n: n - 1 more API replicas as processes of their own (what `npm start`
  // runs) on the same database, Redis and HSM; the workstations are spread over the replicas.
  const replicas: ChildProcess[] = [];
  const urls = [url];
  for (let i = 1; i < Number(process.env.BENCH_API_REPLICAS ?? 1); i++) {
    const port = await freePort();
    const child = spawn(process.execPath, [join(ROOT, 'dist/apps/issuer-api/src/main.js')], {
      env: { ...base, SCM_CA_ROOT_ID: 'scm-root', SCM_CA_ISSUING_ID: 'scm-issuing', SCM_HTTP_PORT: String(port), SCM_LOG_LEVEL: 'error' },
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    replicas.push(child);
    const replicaUrl = `http://127.0.0.1:${port}`;
    for (let t0 = Date.now(); ; await sleep(200)) {
      if (child.exitCode !== null) throw new Error(`API replica ${i} exited ${child.exitCode}`);
      if ((await fetch(`${replicaUrl}/health`).catch(() => undefined))?.ok) break;
      if (Date.now() - t0 > 60_000) throw new Error(`API replica ${i} did not answer /health in 60 s`);
    }
    urls.push(replicaUrl);
  }
  const { token } = await post<{ token: string }>(`${url}/api/v1/auth/login`, undefined, {
    username: BENCH_USER,
    password: BENCH_PASSWORD,
  });
  // Separation of duties: a second officer approves the workers whose enrolment tokens the first made.
  const approverId = randomUUID();
  await ds.query(
    `INSERT INTO app_user (id, username, display_name, password_hash, disabled, created_at, password_changed_at) VALUES ($1,$2,'Bench approver',$3,false,now(),now())`,
    [approverId, APPROVER, await hashPassword(BENCH_PASSWORD)],
  );
  await ds.query(`INSERT INTO user_role (id, user_id, role, status, requested_at) VALUES ($1,$2,'security-officer','active',now())`, [
    randomUUID(),
    approverId,
  ]);
  const { token: approver } = await post<{ token: string }>(`${url}/api/v1/auth/login`, undefined, {
    username: APPROVER,
    password: BENCH_PASSWORD,
  });
  const stateDir = process.env.SCM_BENCH_STATE_DIR ?? process.env.SCM_STATE_DIR ?? '/var/lib/scm';
  const readers = readWorkstations(stateDir).flatMap((ws) =>
    ws.vpcdPorts.map((port, index) => ({ ws, index, name: vpcdReaderName(index), port })),
  );
  const workers = new Map<number, BenchWorker>();
  let reauthAt = Date.now();

  const startWorker = async (ws: Workstation): Promise<void> => {
    const dir = mkdtempSync(join(tmpdir(), 'scm-bench-worker-'));
    const { token: enrol } = await post<{ token: string }>(`${url}/api/v1/workers/enrollment-tokens`, token, { workstation: ws.id });
    const child = spawn(process.execPath, [join(ROOT, 'dist/apps/card-worker/src/main.js')], {
      env: {
        ...process.env,
        SCM_STATE_DIR: dir,
        SCM_API_URL: urls[ws.id % urls.length],
        SCM_WORKSTATION: String(ws.id),
        SCM_ENROLLMENT_TOKEN: enrol,
        SCM_LOG_LEVEL: 'info',
        PCSCLITE_CSOCK_NAME: ws.socket,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const w: BenchWorker = {
      ws,
      process: child,
      log: '',
      async stop() {
        if (child.exitCode === null) {
          child.kill('SIGTERM');
          await new Promise((r) => child.once('exit', r));
        }
        rmSync(dir, { recursive: true, force: true });
      },
    };
    // BENCH_LOG_DIR: each worker's log also goes to a file as it is written (kept when a run hangs).
    const logDir = process.env.BENCH_LOG_DIR;
    if (logDir) mkdirSync(logDir, { recursive: true });
    const logFile = logDir ? join(logDir, `ws${ws.id}-${child.pid}.log`) : undefined;
    const onLog = (d: Buffer) => {
      w.log += d.toString();
      if (logFile) appendFileSync(logFile, d);
    };
    child.stdout!.on('data', onLog);
    child.stderr!.on('data', onLog);
    workers.set(ws.id, w);
    for (let i = 0; !/"fingerprint":"([0-9A-F-]+)"[^\n]*waiting for an officer/.test(w.log); i++) {
      if (i > 300 || child.exitCode !== null) throw new Error(`worker ${ws.id} did not register:\n${w.log}`);
      await sleep(100);
    }
    const fp = /"fingerprint":"([0-9A-F-]+)"[^\n]*waiting for an officer/.exec(w.log)![1];
    const list = (await (await fetch(`${url}/api/v1/workers`, { headers: { authorization: `Bearer ${token}` } })).json()) as Array<{
      id: string;
      fingerprint: string;
    }>;
    const id = list.find((x) => x.fingerprint === fp)!.id;
    // Approving a worker needs a recent password confirmation (a bench run is longer than its window).
    if (Date.now() - reauthAt > 180_000) {
      await post(`${url}/api/v1/auth/reauth`, approver, { password: BENCH_PASSWORD });
      reauthAt = Date.now();
    }
    await post(`${url}/api/v1/workers/${id}/approve`, approver, { fingerprint: fp });
    for (let i = 0; !/asking the API for card jobs/.test(w.log); i++) {
      if (i > 300) throw new Error(`worker ${ws.id} did not start taking jobs:\n${w.log}`);
      await sleep(100);
    }
  };

  return {
    url,
    urls,
    replicaPids: () => replicas.flatMap((c) => (c.pid ? [c.pid] : [])),
    token,
    ds,
    readers,
    workers,
    async startWorkers(ids) {
      for (const id of ids) if (!workers.has(id)) await startWorker(readers.find((r) => r.ws.id === id)!.ws);
    },
    async stopWorkers() {
      await Promise.all([...workers.values()].map((w) => w.stop()));
      workers.clear();
    },
    async cardholders(n) {
      const ids = Array.from({ length: n }, () => randomUUID());
      await ds.query(
        `INSERT INTO cardholder (id, name, email, upn, sponsored_by, sponsored_at, created_at, updated_at) SELECT id, 'Bench ' || left(id::text, 8), id || '@example.org', id || '@corp.example', $2, now(), now(), now() FROM unnest($1::uuid[]) AS t(id)`,
        // Sponsored by the second officer (separation of duties): the first requests the cards.
        [ids, `user:${approverId}`],
      );
      return ids;
    },
    async profile(id, alg) {
      const slot = (template: string, escrow: string) => ({ algorithm: alg, template, escrow });
      const def = {
        slots: {
          '9a': slot('piv-authentication', 'on-card'),
          '9c': slot('piv-digital-signature', 'on-card'),
          '9d': slot('piv-key-management', 'escrow'),
          '9e': slot('piv-card-authentication', 'on-card'),
        },
        pin: { minLength: 6, maxLength: 8, tries: 3 },
        puk: { length: 8, tries: 3 },
        managementKey: { algorithm: 'aes192' },
        validityDays: 365,
      };
      const o = createDataSource(ownerUrl, 1);
      await o.initialize();
      await o.query(
        `INSERT INTO card_profile (id, description, definition, created_at) VALUES ($1, 'bench', $2, now()) ON CONFLICT (id) DO NOTHING`,
        [id, JSON.stringify(def)],
      );
      await o.destroy();
    },
    async issue(holders, profile) {
      const r = await post<{ requests: Array<{ id: string }> }>(`${url}/api/v1/issuance-batches`, token, {
        profile,
        requests: holders.map((h) => ({ cardholder: h })),
      });
      return r.requests.map((x) => x.id);
    },
    async close() {
      await Promise.all([...workers.values()].map((w) => w.stop()));
      await api.app.close();
      await Promise.all(
        replicas.map((c) => (c.exitCode === null ? new Promise((r) => (c.once('exit', r), c.kill('SIGTERM'))) : undefined)),
      );
      await ds.destroy();
      for (const ref of caKeys) await hsm.destroyKey(ref).catch(() => undefined);
      hsm.close();
    },
  };
}

/** Waits until every request is in one of `states` (polling PostgreSQL). */
export async function waitStates(ds: DataSource, ids: string[], states: string[], timeoutMs = 600_000): Promise<void> {
  const t0 = Date.now();
  for (;;) {
    const r = (await ds.query(`SELECT count(*)::int AS n FROM issuance_request WHERE id = ANY($1::uuid[]) AND state = ANY($2::text[])`, [
      ids,
      states,
    ])) as Array<{ n: number }>;
    if (r[0].n === ids.length) return;
    if (Date.now() - t0 > timeoutMs) throw new Error(`requests did not reach ${states.join('/')} in time`);
    await sleep(200);
  }
}

/** Software cards in a child process of their own (bench/_card-farm.ts). */
export interface CardFarm {
  /** Inserts a blank card with the latency model (`off`, `yubikey5`, …); resolves with its serial once pcscd powered it. */
  insert(r: Reader, latency: string): Promise<string>;
  remove(serial: string): Promise<void>;
  /** Resolves once the processes that will serve these readers' cards are up. */
  ready(readers: Reader[]): Promise<void>;
  /** The processes the cards answer from (for CPU accounting). */
  pids(): number[];
  close(): void;
}

export function startCardFarm(): CardFarm {
  const child = fork(join(__dirname, '_card-farm.js'), [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  let seq = 0;
  const pending = new Map<number, (r: FarmReply) => void>();
  child.on('message', (m: FarmReply) => {
    pending.get(m.id)?.(m);
    pending.delete(m.id);
  });
  const ask = (req: DistributiveOmit<FarmRequest, 'id'>): Promise<FarmReply & { ok: true }> =>
    new Promise((resolve, reject) => {
      const id = ++seq;
      pending.set(id, (r) => (r.ok ? resolve(r) : reject(new Error(`card farm: ${r.error}`))));
      child.send({ ...req, id });
    });
  return {
    insert: async (r, latency) => (await ask({ op: 'insert', port: r.port, latency })).serial!,
    remove: async (serial) => {
      await ask({ op: 'remove', serial });
      await sleep(1200);
    },
    ready: async () => {
      await ask({ op: 'ping' });
    },
    pids: () => (child.pid ? [child.pid] : []),
    close: () => child.kill(),
  };
}

/**
 * One card farm per reader: a card is hardware of its own, so one card's work (its PIN hashing,
 * its key generation) never holds up another reader's card, as it would in one shared process.
 */
export function startCardFarms(): CardFarm {
  const farms = new Map<number, CardFarm>();
  const bySerial = new Map<string, CardFarm>();
  const farmOf = (r: Reader): CardFarm => {
    let f = farms.get(r.port);
    if (!f) farms.set(r.port, (f = startCardFarm()));
    return f;
  };
  return {
    ready: async (readers) => {
      await Promise.all(readers.map((r) => farmOf(r).ready([r])));
    },
    insert: async (r, latency) => {
      const f = farmOf(r);
      const serial = await f.insert(r, latency);
      bySerial.set(serial, f);
      return serial;
    },
    remove: async (serial) => {
      const f = bySerial.get(serial);
      bySerial.delete(serial);
      await f?.remove(serial);
    },
    pids: () => [...farms.values()].flatMap((f) => f.pids()),
    close: () => {
      for (const f of farms.values()) f.close();
    },
  };
}

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

/**
 * Keeps `readers` fed with blank cards until `count` cards are issued (each reader its own loop, as
 * an operator per reader would: insert, wait for the card to be issued, take it out, next); returns
 * the cards and the wall time from the first insertion to the last issued card.
 */
export async function feed(
  s: BenchStack,
  readers: Reader[],
  count: number,
  farm?: { farm: CardFarm; latency: string },
): Promise<{ cards: string[]; ms: number; issued: Issued[] }> {
  const done: string[] = [];
  const seen: Issued[] = [];
  let started = 0;
  const t0 = Date.now();
  let last = t0;
  const issued = issuedWatch(s);
  const loop = async (r: Reader): Promise<void> => {
    while (started < count) {
      started++;
      const c: BenchCard | undefined = farm ? undefined : newCard();
      const serial = farm ? await farm.farm.insert(r, farm.latency) : c!.serial;
      if (c) await insertCard(c, r);
      await issued.wait(serial, t0 + 900_000);
      last = Date.now();
      seen.push({ reader: `${r.port}/${r.name}`, at: last });
      done.push(serial);
      if (farm) await farm.farm.remove(serial);
      else await removeCard(c!, r);
    }
  };
  try {
    await Promise.all(readers.map(loop));
  } finally {
    issued.stop();
  }
  return { cards: done, ms: last - t0, issued: seen };
}

/**
 * Tells each reader's loop when its card is issued. One query every 50 ms for the cards of every
 * reader: the bench runs in the API's process, and a query per reader per 50 ms (160 a second at
 * 8 readers) was a tenth of the API's statements, load no operator puts on a real API.
 */
function issuedWatch(s: BenchStack): { wait: (serial: string, deadline: number) => Promise<void>; stop: () => void } {
  const waiting = new Map<string, { deadline: number; resolve: () => void; reject: (e: Error) => void }>();
  let stopped = false;
  const poll = async (): Promise<void> => {
    while (!stopped) {
      await sleep(50);
      if (waiting.size === 0) continue;
      const serials = [...waiting.keys()];
      const rows = (await s.ds.query(`SELECT serial FROM card WHERE serial = ANY($1) AND state = 'issued'`, [serials])) as Array<{
        serial: string;
      }>;
      for (const { serial } of rows) {
        waiting.get(serial)?.resolve();
        waiting.delete(serial);
      }
      for (const [serial, w] of waiting) {
        if (Date.now() <= w.deadline) continue;
        w.reject(new Error(`card ${serial} not issued in 15 minutes`));
        waiting.delete(serial);
      }
    }
  };
  let failed: Error | undefined;
  poll().catch((e: Error) => {
    failed = e;
    for (const w of waiting.values()) w.reject(e);
    waiting.clear();
  });
  return {
    wait: (serial, deadline) =>
      new Promise<void>((resolve, reject) => (failed ? reject(failed) : waiting.set(serial, { deadline, resolve, reject }))),
    stop: () => {
      stopped = true;
    },
  };
}

/** What the workers logged for each finished attempt: its time and the APDUs of its card session. */
export function attempts(s: BenchStack): Array<{ ms: number; apdus: number; outcome: string }> {
  const out: Array<{ ms: number; apdus: number; outcome: string }> = [];
  for (const w of s.workers.values()) {
    for (const line of w.log.split('\n')) {
      if (!line.includes('"msg":"personalisation attempt ended"')) continue;
      const j = JSON.parse(line) as { ms: number; apdus: number; outcome: string };
      out.push({ ms: j.ms, apdus: j.apdus, outcome: j.outcome });
    }
  }
  return out;
}
