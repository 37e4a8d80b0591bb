import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PivCard } from '@scm/card-engine';
import { ALGORITHM, DEFAULTS, KEY_REF, PivError, PivSession, SoftwareManagementKey } from '@scm/piv';
import { VpcdConnector, type VirtualCard } from '@scm/vpcd';
import {
  appDb,
  approveBySecondOfficer,
  call,
  closeOpenCardWork,
  killOnExit,
  createTestUser,
  loginAs,
  runCli,
  secondOfficer,
  type RunningApi,
  sleep,
  waitFor,
  type RunningWorker,
  startApi,
  startApprovedWorker,
  TEST_PASSWORD,
  testEnv,
  testWorkstations,
  uniqueName,
} from '@scm/test-kit';
import type { Client } from 'pg';
import { cardPresent, type TestReader, testReader, waitForCard } from '../card-engine/support';
import { blankCard, insert, remove, type TestCard, VPCD_SETTLE_MS } from '../card-engine/test-cards';
import { freePort } from '@scm/common';

export { type TestReader, testReader };
export { sleep, waitFor } from '@scm/test-kit';
export { blankCard, directSession, insert, insertInspected, remove, type TestCard, VPCD_SETTLE_MS } from '../card-engine/test-cards';

/** Environment of the card workers in these tests: frequent heartbeats. */
export const WORKER_ENV: Record<string, string> = {
  SCM_HEARTBEAT_MS: '1000',
};
/** API settings: a lost worker is noticed after 8 s. */
export const API_ENV: Record<string, string> = {
  SCM_PERSONALISATION_STALL_SECONDS: '8',
  SCM_OUTBOX_POLL_MS: '200',
  SCM_RECONCILE_SECONDS: '2',
};

export interface Stack {
  api: RunningApi;
  token: string;
  officer: string;
  /** Environment for runCli: the officer logged in against this API. */
  cliEnv: Record<string, string>;
  /**
   * A second security officer (the kit's), logged in over HTTP and through bin/scm: separation of
   * duties has another person approve what the officer asked for and activate the cards the officer requested.
   */
  second: { username: string; token: string; cliEnv: Record<string, string> };
  db: Client;
  workers: Map<number, RunningWorker & { id: string }>;
  startWorker(ws: number, env?: Record<string, string>): Promise<RunningWorker & { id: string }>;
  /** The API's log (only when it runs as its own process). */
  apiLog(): string;
  close(): Promise<void>;
}

const ROOT = join(__dirname, '..', '..');

/** The API as its own process (what `npm start` runs), logging to a file the test can read. */
export async function spawnApi(env: Record<string, string>): Promise<RunningApi & { log(): string }> {
  const dir = mkdtempSync(join(tmpdir(), 'scm-api-'));
  const logFile = join(dir, 'api.log');
  const port = await freePort();
  const child: ChildProcess = killOnExit(
    spawn(process.execPath, [join(ROOT, 'dist/apps/issuer-api/src/main.js')], {
      env: { ...process.env, ...testEnv, SCM_HTTP_PORT: String(port), SCM_LOG_FILE: logFile, ...env },
      stdio: ['ignore', 'ignore', 'pipe'],
    }),
  );
  let err = '';
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  const url = `http://127.0.0.1:${port}`;
  await waitFor(
    'the API to answer',
    async () => {
      if (child.exitCode !== null) throw new Error(`the API exited ${child.exitCode}: ${err}`);
      const r = await fetch(`${url}/health`).catch(() => undefined);
      return r?.ok ? true : undefined;
    },
    30_000,
    200,
  );
  const log = () => {
    try {
      return readFileSync(logFile, 'utf8');
    } catch {
      return '';
    }
  };
  return {
    app: undefined as unknown as RunningApi['app'],
    url,
    log,
    async close() {
      if (child.exitCode === null) {
        child.kill('SIGTERM');
        await new Promise((r) => child.once('exit', r));
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * The API (in this process, or as its own process with `ownProcess`), an officer logged in over
 * HTTP and through bin/scm, a database client, and approved card workers for `workstations`.
 */
export async function startStack(
  workstations: number[],
  opts: { apiEnv?: Record<string, string>; workerEnv?: Record<string, string>; ownProcess?: boolean } = {},
): Promise<Stack> {
  const apiEnv = { ...API_ENV, ...opts.apiEnv };
  await closeOpenCardWork();
  const api = opts.ownProcess ? await spawnApi(apiEnv) : await startApi(apiEnv);
  const officer = uniqueName('officer');
  await createTestUser(officer, ['security-officer', 'help-desk']);
  const token = await loginAs(api.url, officer);
  const dir = mkdtempSync(join(tmpdir(), 'scm-officer-'));
  const cliEnv = { SCM_API_URL: api.url, SCM_CLI_SESSION_FILE: join(dir, 'session.json') };
  const login = await runCli(['login', '-u', officer], { env: { ...cliEnv, SCM_PASSWORD: TEST_PASSWORD } });
  if (login.code !== 0) throw new Error(`scm login: ${login.stderr}`);
  const other = await secondOfficer(api.url);
  // SCM_PASSWORD: bin/scm confirms it again when a sensitive action (activation start) asks for it.
  const secondCli = { SCM_API_URL: api.url, SCM_CLI_SESSION_FILE: join(dir, 'second-session.json'), SCM_PASSWORD: TEST_PASSWORD };
  const secondLogin = await runCli(['login', '-u', other.username], { env: secondCli });
  if (secondLogin.code !== 0) throw new Error(`scm login (second officer): ${secondLogin.stderr}`);
  const db = await appDb();
  const workers = new Map<number, RunningWorker & { id: string }>();
  const startWorker = async (ws: number, env: Record<string, string> = {}) => {
    const w = testWorkstations().find((x) => x.id === ws)!;
    const worker = await startApprovedWorker(api, token, w, { ...WORKER_ENV, ...opts.workerEnv, ...env });
    workers.set(ws, worker);
    return worker;
  };
  const stack: Stack = {
    api,
    token,
    officer,
    cliEnv,
    second: { username: other.username, token: other.token, cliEnv: secondCli },
    db,
    workers,
    startWorker,
    apiLog: () => ('log' in api ? (api as { log(): string }).log() : ''),
    async close() {
      await Promise.allSettled([...workers.values()].map((w) => w.stop()));
      await db.end().catch(() => undefined);
      await api.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  try {
    for (const ws of workstations) await startWorker(ws);
  } catch (e) {
    await stack.close();
    throw e;
  }
  return stack;
}

/** Registers `n` cardholders, each approved by a second officer (who sponsors its first card); returns their ids. */
export async function cardholders(s: Stack, n: number, tag = uniqueName('ch')): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < n; i++) {
    const r = await call<{ id: string; approval?: { id: string } }>(s.api.url, 'POST', '/api/v1/cardholders', s.token, {
      name: `Holder ${tag} ${i}`,
      upn: `${tag}-${i}@corp.example`,
      email: `${tag}-${i}@example.org`,
    });
    if (r.status !== 201) throw new Error(`cardholder: HTTP ${r.status} ${JSON.stringify(r.body)}`);
    // Separation of duties: a second officer approves the registration and so sponsors the first card.
    await approveBySecondOfficer(s.api.url, r.body.approval);
    ids.push(r.body.id);
  }
  return ids;
}

/** One batch of requests (default profile unless named); returns the batch and its request ids. */
export async function issueBatch(s: Stack, holders: string[], profile?: string): Promise<{ batchId: string; requestIds: string[] }> {
  const r = await call<{ batchId: string; requests: Array<{ id: string }> }>(s.api.url, 'POST', '/api/v1/issuance-batches', s.token, {
    ...(profile ? { profile } : {}),
    requests: holders.map((h) => ({ cardholder: h })),
  });
  if (r.status !== 201 && r.status !== 200) throw new Error(`batch: HTTP ${r.status} ${JSON.stringify(r.body)}`);
  return { batchId: r.body.batchId, requestIds: r.body.requests.map((x) => x.id) };
}

export type RequestRow = {
  id: string;
  state: string;
  failure: string | null;
  card_id: string | null;
  serial: string | null;
  card_state: string | null;
};

export async function requests(db: Client, ids: string[]): Promise<RequestRow[]> {
  const r = await db.query<RequestRow>(
    `SELECT r.id, r.state, r.failure, r.card_id, c.serial, c.state AS card_state FROM issuance_request r LEFT JOIN card c ON c.id = r.card_id WHERE r.id = ANY($1::uuid[]) ORDER BY r.created_at, r.id`,
    [ids],
  );
  return r.rows;
}

/** Waits until every request is in one of `states`. */
export async function waitForRequests(db: Client, ids: string[], states: string[], timeoutMs = 120_000): Promise<RequestRow[]> {
  return waitFor(
    `requests in ${states.join('/')}`,
    async () => {
      const rows = await requests(db, ids);
      return rows.length === ids.length && rows.every((r) => states.includes(r.state)) ? rows : undefined;
    },
    timeoutMs,
    300,
  );
}

/**
 * Keeps the readers fed: each empty reader gets a blank card, and a card whose request is issued
 * (or that the worker left aside) is taken out and replaced, until `want` cards are issued.
 */
/** One new cardholder's request, issued and waiting for a card; its id. */
export async function oneWaitingRequest(s: Stack): Promise<string> {
  const [h] = await cardholders(s, 1);
  const b = await issueBatch(s, [h]);
  await waitForRequests(s.db, b.requestIds, ['awaiting-card'], 60_000);
  return b.requestIds[0];
}

export async function feedCards(
  db: Client,
  readers: TestReader[],
  want: number,
  opts: { timeoutMs?: number; done?: () => Promise<boolean>; diagnose?: () => Promise<string> } = {},
): Promise<TestCard[]> {
  const issued: TestCard[] = [];
  const inReader = new Map<TestReader, TestCard>();
  const t0 = Date.now();
  for (const r of readers) if (await cardPresent(r)) throw new Error(`${r.name} of workstation ${r.ws.id} is not empty`);
  try {
    while (issued.length < want && !(await opts.done?.())) {
      if (Date.now() - t0 > (opts.timeoutMs ?? 180_000)) {
        const held = [...inReader].map(([r, c]) => `ws${r.ws.id}/${r.name}: ${c.serial}`).join('; ');
        throw new Error(
          `only ${issued.length} of ${want} cards issued in time; in readers: ${held}${opts.diagnose ? `\n${await opts.diagnose()}` : ''}`,
        );
      }
      for (const r of readers) {
        const c = inReader.get(r);
        if (!c) {
          if (issued.length + inReader.size >= want) continue;
          const b = blankCard();
          await insert(b, r);
          inReader.set(r, b);
          continue;
        }
        const row = (await db.query<{ state: string }>(`SELECT state FROM card WHERE serial = $1`, [c.serial])).rows[0];
        if (row?.state === 'issued' || row?.state === 'active') {
          await remove(c);
          inReader.delete(r);
          issued.push(c);
        }
      }
      await sleep(250);
    }
  } finally {
    // Also when it fails: a card left in a reader would stop the next test at its first insertion.
    for (const c of inReader.values()) await remove(c).catch(() => undefined);
  }
  return issued;
}

/**
 * A software card that leaves the reader at its `pullAt`-th APDU (counted from insertion): that
 * APDU is never answered and the vpcd connection closes, as when a card is pulled out mid-command.
 */
export async function insertPulling(c: TestCard, reader: TestReader, pullAt: number): Promise<{ pulled: Promise<number> }> {
  if (c.inserted) throw new Error(`card ${c.serial} is already in a reader`);
  const inner = new PivCard(c.backend, c.options);
  let n = 0;
  const ref: { connector?: VpcdConnector } = {};
  let pulledAt: (n: number) => void = () => undefined;
  const pulled = new Promise<number>((r) => (pulledAt = r));
  const card: VirtualCard = {
    atr: () => inner.atr(),
    powerOn: () => inner.powerOn(),
    powerOff: () => inner.powerOff(),
    reset: () => inner.reset(),
    transmit: (apdu: Uint8Array) => {
      if (++n === pullAt) {
        setImmediate(() => void ref.connector?.remove().then(() => pulledAt(n)));
        return new Promise<Uint8Array>(() => undefined);
      }
      return inner.transmit(apdu);
    },
  };
  const connector = new VpcdConnector(card, { port: reader.port });
  ref.connector = connector;
  await connector.insert();
  c.inserted = { reader, card: { card: inner, backend: c.backend, connector, remove: () => connector.remove() } };
  await waitForCard(reader, true);
  return {
    pulled: pulled.then(async (at) => {
      c.inserted = undefined;
      await waitForCard(reader, false);
      await sleep(VPCD_SETTLE_MS);
      return at;
    }),
  };
}

/** Restarts a card worker with the state directory (identity, id) of one that was killed. */
export function respawnWorker(stack: Stack, ws: number, stateDir: string, env: Record<string, string> = {}): RunningWorker {
  const w = testWorkstations().find((x) => x.id === ws)!;
  let out = '';
  const child = killOnExit(
    spawn(process.execPath, [join(ROOT, 'dist/apps/card-worker/src/main.js')], {
      env: {
        ...process.env,
        ...testEnv,
        ...WORKER_ENV,
        SCM_STATE_DIR: stateDir,
        SCM_API_URL: stack.api.url,
        SCM_WORKSTATION: String(ws),
        PCSCLITE_CSOCK_NAME: w.socket,
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
      await waitFor(
        `worker log ${re}`,
        async () => (re.test(out) ? true : child.exitCode !== null ? Promise.reject(new Error(out)) : undefined),
        timeoutMs,
        100,
      );
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

/** What a failing test should print: requests, cards and attempts, and the tail of each worker log. */
export async function diagnose(s: Stack, requestIds: string[]): Promise<string> {
  const rows = await s.db.query(
    `SELECT r.id, r.state, r.failure, c.serial, c.state AS card, p.attempt, p.last_step, p.steps_done, p.steps_total
       FROM issuance_request r LEFT JOIN card c ON c.id = r.card_id LEFT JOIN personalisation p ON p.request_id = r.id WHERE r.id = ANY($1::uuid[])`,
    [requestIds],
  );
  const logs = [...s.workers].map(([ws, w]) => `--- worker ${ws}\n${w.log().split('\n').slice(-40).join('\n')}`);
  return [JSON.stringify(rows.rows, null, 1), ...logs, `--- api\n${s.apiLog().split('\n').slice(-30).join('\n')}`].join('\n');
}

/** The cardholder's key slots (retired slots of a reissue aside). */
const CARDHOLDER_SLOTS = [0x9a, 0x9c, 0x9d, 0x9e];

/**
 * Checks a card out of its reader (its backend, straight): when it holds any cardholder key, the
 * factory management key (as 3DES and as AES-192, what the transport key of the factory stock is)
 * is refused and neither PIN nor PUK is the default. Returns the slots holding a key.
 */
export async function assertNoCardholderKeyUnderWellKnownKey(c: TestCard, label: string): Promise<string[]> {
  const held: string[] = [];
  for (const slot of CARDHOLDER_SLOTS) if (await c.backend.getKey(slot)) held.push(slot.toString(16));
  if (held.length === 0) return held;
  const card = new PivCard(c.backend);
  for (const alg of [ALGORITHM.TDES, ALGORITHM.AES192]) {
    const session = await PivSession.open({ transmit: (a: Uint8Array) => card.transmit(a) });
    const opened = await session.authenticate(new SoftwareManagementKey(DEFAULTS.MANAGEMENT_KEY, alg)).then(
      () => true,
      (e: unknown) => {
        if (e instanceof PivError) return false;
        throw e;
      },
    );
    if (opened) throw new Error(`${label}: card ${c.serial} holds keys in ${held.join(', ')} under the factory management key`);
  }
  const session = await PivSession.open({ transmit: (a: Uint8Array) => card.transmit(a) });
  const pin = await session.getMetadata(KEY_REF.PIN);
  const puk = await session.getMetadata(KEY_REF.PUK);
  if (pin.isDefault || puk.isDefault)
    throw new Error(`${label}: card ${c.serial} holds keys in ${held.join(', ')} with a default ${pin.isDefault ? 'PIN' : 'PUK'}`);
  return held;
}
