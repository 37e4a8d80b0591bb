import 'reflect-metadata';
import { createHash, generateKeyPairSync, randomBytes, randomUUID, type KeyObject } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as x509 from '@peculiar/x509';
import { HsmContext } from '@scm/hsm';
import { HsmKeyProtector, VirtualSmartCard, type VscDeps } from '@scm/vsc';
import {
  appDb,
  approveBySecondOfficer,
  call,
  createTestUser,
  loginAs,
  runCli,
  TEST_PASSWORD,
  uniqueName,
  type RunningApi,
} from '@scm/test-kit';
import { testHsmSettings } from '../hsm/support/settings';

export { Scratch, certText, crlText, openssl } from '../ca/support/openssl';

/** Polls until fn returns a value other than undefined (or throws after timeoutMs). */
export async function waitFor<T>(what: string, fn: () => Promise<T | undefined>, timeoutMs = 60_000, everyMs = 200): Promise<T> {
  const t0 = Date.now();
  for (;;) {
    const v = await fn();
    if (v !== undefined) return v;
    if (Date.now() - t0 > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

export interface Officer {
  username: string;
  token: string;
  /** Environment for runCli: this officer logged in against this API. */
  cliEnv: Record<string, string>;
  dir: string;
  cleanup(): void;
}

/** A security officer (or another role), logged in over HTTP and through `bin/scm login`. */
export async function officer(api: RunningApi, roles: Parameters<typeof createTestUser>[1] = ['security-officer']): Promise<Officer> {
  const username = uniqueName(roles[0].slice(0, 8));
  await createTestUser(username, roles);
  const token = await loginAs(api.url, username);
  const dir = mkdtempSync(join(tmpdir(), 'scm-issuance-'));
  const cliEnv = { SCM_API_URL: api.url, SCM_CLI_SESSION_FILE: join(dir, 'session.json') };
  const r = await runCli(['login', '-u', username], { env: { ...cliEnv, SCM_PASSWORD: TEST_PASSWORD } });
  if (r.code !== 0) throw new Error(`scm login: ${r.stderr}`);
  return { username, token, cliEnv, dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Writes a file into the officer's scratch directory and returns its path. */
export function scratchFile(o: Officer, name: string, text: string): string {
  const p = join(o.dir, name);
  writeFileSync(p, text);
  return p;
}

/** Registers cardholders over the API, approved by a second officer; returns their ids in order. */
export async function cardholders(
  api: RunningApi,
  token: string,
  people: Array<{ name: string; upn?: string; email?: string }>,
): Promise<string[]> {
  const r = await call<{ ids: string[]; approval?: { id: string } }>(api.url, 'POST', '/api/v1/cardholders/import', token, {
    cardholders: people,
  });
  if (r.status !== 201) throw new Error(`import: ${r.status} ${JSON.stringify(r.body)}`);
  // Separation of duties: a second officer approves the registration and so sponsors each first card.
  await approveBySecondOfficer(api.url, r.body.approval);
  return r.body.ids;
}

/** n people with unique UPNs and e-mail addresses. */
export function people(n: number, tag = uniqueName('p')): Array<{ name: string; upn: string; email: string }> {
  return Array.from({ length: n }, (_, i) => ({
    name: `Person ${i} ${tag}`.slice(0, 60),
    upn: `p${i}.${tag}@corp.example`,
    email: `p${i}.${tag}@example.org`,
  }));
}

export interface TestWorker {
  id: string;
  token: string;
  kexPrivate: KeyObject;
}

/**
 * An approved card worker with a session, made directly in the database (fixture): the
 * personalisation routes need the worker that claimed a card, and claiming is the card worker's job.
 */
export async function workerFixture(): Promise<TestWorker> {
  const sign = generateKeyPairSync('ed25519');
  const kex = generateKeyPairSync('x25519');
  const id = randomUUID();
  const token = randomBytes(32).toString('base64url');
  const db = await appDb();
  try {
    const spki = (k: KeyObject) => k.export({ format: 'der', type: 'spki' });
    await db.query(
      `INSERT INTO card_worker (id, name, host, workstation, sign_key, kex_key, fingerprint, status, registered_at, decided_at)
       VALUES ($1, $2, 'test-host', 0, $3, $4, $5, 'approved', now(), now())`,
      [
        id,
        `worker-${id.slice(0, 8)}`,
        spki(sign.publicKey),
        spki(kex.publicKey),
        createHash('sha256').update(id).digest('hex').toUpperCase(),
      ],
    );
    await db.query(
      `INSERT INTO session (id, token_hash, principal_kind, principal_id, created_at, last_seen_at, idle_expires_at, expires_at)
       VALUES ($1, $2, 'worker', $3, now(), now(), now() + interval '1 hour', now() + interval '2 hours')`,
      [randomUUID(), createHash('sha256').update(token, 'utf8').digest(), id],
    );
  } finally {
    await db.end();
  }
  return { id, token, kexPrivate: kex.privateKey };
}

/**
 * Puts a request into `personalising`, claimed by a worker and bound to a card of its own (the
 * serial it returns): what the card worker's claim does.
 */
export async function claimFixture(requestId: string, workerId: string): Promise<string> {
  const db = await appDb();
  const cardId = randomUUID();
  const serial = String(900_000_000 + (parseInt(cardId.slice(0, 7), 16) % 99_999_999));
  try {
    await db.query(
      `INSERT INTO card (id, serial, state, cardholder_id, request_id, vsc_id, stock_batch, state_changed_at, created_at)
       SELECT $2, $3, 'personalising', r.cardholder_id, r.id, v.id, 'fixture', now(), now()
         FROM issuance_request r LEFT JOIN vsc v ON v.request_id = r.id AND v.kind = 'escrow' WHERE r.id = $1`,
      [requestId, cardId, serial],
    );
    const r = await db.query(
      `UPDATE issuance_request SET state = 'personalising', worker_id = $2, card_id = $3 WHERE id = $1 AND state = 'awaiting-card'`,
      [requestId, workerId, cardId],
    );
    if (r.rowCount !== 1) throw new Error(`request ${requestId} is not awaiting a card`);
  } finally {
    await db.end();
  }
  return serial;
}

/** The test token and the VSC control program over it, to open escrow copies as the API does. */
export function testVscDeps(): { hsm: HsmContext; deps: VscDeps } {
  const hsm = HsmContext.open(testHsmSettings());
  return { hsm, deps: { protector: new HsmKeyProtector(hsm) } };
}

/** Loads a stored VSC version and opens it through the recovery path (the caller closes it). */
export async function openEscrow(deps: VscDeps, vscId: string, version?: number): Promise<VirtualSmartCard> {
  const db = await appDb();
  try {
    const r = await db.query(
      `SELECT v.content FROM vsc s JOIN vsc_version v ON v.vsc_id = s.id AND v.version = COALESCE($2, s.current_version) WHERE s.id = $1`,
      [vscId, version ?? null],
    );
    const vsc = await VirtualSmartCard.load(r.rows[0].content as Buffer, deps);
    await vsc.openWithRecovery();
    return vsc;
  } finally {
    await db.end();
  }
}

/** The root and issuing CA certificates (PEM) as the API publishes them. */
export async function caChain(api: RunningApi): Promise<{ root: string; issuing: string; issuingCert: x509.X509Certificate }> {
  const get = async (id: string) => Buffer.from(await (await fetch(`${api.url}/ca/${id}.crt`)).arrayBuffer());
  const root = await get('scm-root');
  const issuing = await get('scm-issuing');
  return {
    root: x509.PemConverter.encode(root, 'CERTIFICATE'),
    issuing: x509.PemConverter.encode(issuing, 'CERTIFICATE'),
    issuingCert: new x509.X509Certificate(issuing),
  };
}

/** A server-sent event stream: events are collected as they arrive until close(). */
export interface EventStream {
  status: number;
  contentType: string | null;
  events: Array<{ event: string; data: Record<string, unknown> }>;
  /** Resolves when an event satisfying pred has arrived (or rejects after timeoutMs). */
  until(pred: (events: EventStream['events']) => boolean, timeoutMs?: number): Promise<void>;
  ended: Promise<void>;
  close(): void;
}

export async function openEvents(url: string, token: string): Promise<EventStream> {
  const ac = new AbortController();
  const res = await fetch(url, { headers: { authorization: `Bearer ${token}`, accept: 'text/event-stream' }, signal: ac.signal });
  const events: EventStream['events'] = [];
  const waiters = new Set<() => void>();
  const ended = (async () => {
    if (!res.body) return;
    const dec = new TextDecoder();
    let buf = '';
    try {
      for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
        buf += dec.decode(chunk, { stream: true });
        let i: number;
        while ((i = buf.indexOf('\n\n')) >= 0) {
          const block = buf.slice(0, i);
          buf = buf.slice(i + 2);
          const event = /^event: (.*)$/m.exec(block)?.[1];
          const data = /^data: (.*)$/m.exec(block)?.[1];
          if (event && data) events.push({ event, data: JSON.parse(data) as Record<string, unknown> });
        }
        for (const w of waiters) w();
      }
    } catch (e) {
      if ((e as Error).name !== 'AbortError') throw e;
    } finally {
      for (const w of waiters) w();
    }
  })();
  let done = false;
  void ended.finally(() => (done = true));
  return {
    status: res.status,
    contentType: res.headers.get('content-type'),
    events,
    ended,
    close: () => ac.abort(),
    until(pred, timeoutMs = 90_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          if (pred(events)) {
            waiters.delete(check);
            clearTimeout(t);
            resolve();
          } else if (done) {
            waiters.delete(check);
            clearTimeout(t);
            reject(new Error(`the event stream ended before the condition held: ${JSON.stringify(events.slice(-5))}`));
          }
        };
        const t = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`timed out; last events: ${JSON.stringify(events.slice(-5))}`));
        }, timeoutMs);
        waiters.add(check);
        check();
      });
    },
  };
}
