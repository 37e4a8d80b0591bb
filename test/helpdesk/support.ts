import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  appDb,
  call,
  closeOpenCardWork,
  createTestUser,
  Hopeless,
  runCli,
  type RunningApi,
  type RunningWorker,
  startApi,
  startApprovedWorker,
  TEST_PASSWORD,
  testWorkstations,
  uniqueName,
  waitFor,
} from '@scm/test-kit';
import type { Client } from 'pg';
import type { TestReader } from '../card-engine/support';
import { blankCard, insert, remove, type TestCard } from '../card-engine/test-cards';

export { Hopeless, sleep, waitFor } from '@scm/test-kit';
export { blankCard, directSession, insert, insertInspected, remove, type TestCard } from '../card-engine/test-cards';

/** Someone logged in through bin/scm (their own CLI session file), whose session the HTTP calls use too. */
export interface Person {
  name: string;
  id: string;
  token: string;
  /** Environment for runCli as this person (SCM_PASSWORD answers the re-authentication prompt). */
  env: Record<string, string>;
}

export interface HelpdeskStack {
  api: RunningApi;
  db: Client;
  /** Registers cardholders and asks for issuance. */
  officer: Person;
  /** Help desk and security officer: reports cards and asks for recoveries (so approving their own request is a real refusal). */
  helpdesk: Person;
  approvers: [Person, Person];
  /** An administrator who is also a security officer: still refused as an approver. */
  admin: Person;
  auditor: Person;
  workers: Map<number, RunningWorker & { id: string }>;
  tmp: string;
  close(): Promise<void>;
}

async function person(api: RunningApi, dir: string, prefix: string, roles: Parameters<typeof createTestUser>[1]): Promise<Person> {
  const name = uniqueName(prefix);
  const id = await createTestUser(name, roles);
  const session = join(dir, `${name}.session.json`);
  const env = { SCM_API_URL: api.url, SCM_CLI_SESSION_FILE: session, SCM_PASSWORD: TEST_PASSWORD };
  const login = await runCli(['login', '-u', name], { env });
  if (login.code !== 0) throw new Error(`scm login ${name}: ${login.stderr}`);
  // One log-in: the HTTP calls use the session bin/scm keeps.
  const { token } = JSON.parse(readFileSync(session, 'utf8')) as { token: string };
  return { name, id, token, env };
}

/** The API in this process (help-desk sweeps every second), the people of the flows, and approved card workers. */
export async function startHelpdeskStack(workstations: number[]): Promise<HelpdeskStack> {
  await closeOpenCardWork();
  const api = await startApi({ SCM_OUTBOX_POLL_MS: '200', SCM_HELPDESK_SWEEP_SECONDS: '1', SCM_RECONCILE_SECONDS: '2' });
  const tmp = mkdtempSync(join(tmpdir(), 'scm-helpdesk-'));
  const db = await appDb();
  const workers = new Map<number, RunningWorker & { id: string }>();
  const [officer, helpdesk, approver0, approver1, admin, auditor] = await Promise.all([
    person(api, tmp, 'officer', ['security-officer']),
    person(api, tmp, 'helpdesk', ['help-desk', 'security-officer']),
    person(api, tmp, 'approver', ['security-officer']),
    person(api, tmp, 'approver', ['security-officer']),
    person(api, tmp, 'admin', ['admin', 'security-officer']),
    person(api, tmp, 'auditor', ['auditor']),
  ]);
  const stack: HelpdeskStack = {
    api,
    db,
    officer,
    helpdesk,
    approvers: [approver0, approver1],
    admin,
    auditor,
    workers,
    tmp,
    async close() {
      await Promise.allSettled([...workers.values()].map((w) => w.stop()));
      await db.end().catch(() => undefined);
      await api.close();
      rmSync(tmp, { recursive: true, force: true });
    },
  };
  // Started side by side; a worker that did start is stopped with the stack when another did not.
  const started = await Promise.allSettled(
    workstations.map(async (ws) => {
      const w = testWorkstations().find((x) => x.id === ws)!;
      workers.set(
        ws,
        await startApprovedWorker(api, stack.officer.token, w, {
          SCM_HEARTBEAT_MS: '1000',
        }),
      );
    }),
  );
  const failed = started.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) {
    await stack.close();
    throw failed.reason;
  }
  return stack;
}

/** A cardholder with a UPN and an e-mail address. */
export async function cardholder(s: HelpdeskStack): Promise<{ id: string; name: string }> {
  const tag = uniqueName('holder');
  const name = `Holder ${tag}`;
  const r = await call<{ id: string }>(s.api.url, 'POST', '/api/v1/cardholders', s.officer.token, {
    name,
    upn: `${tag}@corp.example`,
    email: `${tag}@example.org`,
  });
  if (r.status !== 201) throw new Error(`cardholder: HTTP ${r.status} ${JSON.stringify(r.body)}`);
  return { id: r.body.id, name };
}

/** Asks for a card and lets the workstation's worker personalise a blank software card for it; returns the card (out of the reader). */
export async function issueCard(
  s: HelpdeskStack,
  holderId: string,
  reader: TestReader,
): Promise<{ card: TestCard; requestId: string; cardId: string }> {
  const r = await call<{ id: string }>(s.api.url, 'POST', '/api/v1/issuance-requests', s.officer.token, { cardholder: holderId });
  if (r.status !== 201) throw new Error(`issuance request: HTTP ${r.status} ${JSON.stringify(r.body)}`);
  return personalise(s, r.body.id, reader);
}

/** Inserts a blank card into `reader` and waits until the request it is taken for is issued. */
export async function personalise(
  s: HelpdeskStack,
  requestId: string,
  reader: TestReader,
): Promise<{ card: TestCard; requestId: string; cardId: string }> {
  await waitFor(
    'the request to wait for a card',
    async () => {
      const q = await s.db.query<{ state: string }>(`SELECT state FROM issuance_request WHERE id = $1`, [requestId]);
      if (q.rows[0]?.state === 'failed') throw new Hopeless(`request ${requestId} failed`);
      return q.rows[0]?.state === 'awaiting-card' ? true : undefined;
    },
    90_000,
    100,
  );
  const card = blankCard();
  await insert(card, reader);
  try {
    const row = await waitFor(
      `request ${requestId} to be issued on card ${card.serial}`,
      async () => {
        const q = await s.db.query<{ state: string; failure: string | null; card_id: string | null }>(
          `SELECT state, failure, card_id FROM issuance_request WHERE id = $1`,
          [requestId],
        );
        if (q.rows[0]?.state === 'failed') throw new Hopeless(`request failed: ${q.rows[0].failure}`);
        return q.rows[0]?.state === 'issued' ? q.rows[0] : undefined;
      },
      120_000,
      100,
    );
    return { card, requestId, cardId: row.card_id! };
  } finally {
    await remove(card);
  }
}

/** The worker's local socket where the keyboard side of activation and unblock talks to it. */
export function workerSocket(s: HelpdeskStack, ws: number): string {
  return join(s.workers.get(ws)!.stateDir, 'worker', `ws${ws}.activation.sock`);
}

/** Activation of an issued card at workstation `reader.ws` (the card must be in that reader): its PIN becomes `pin`. */
export async function activate(s: HelpdeskStack, c: TestCard, reader: TestReader, pin: string): Promise<void> {
  const r = await call(s.api.url, 'POST', '/api/v1/activations', s.officer.token, {
    card: c.serial,
    workstation: reader.ws.id,
    identityCheck: 'badge photo compared',
  });
  if (r.status !== 201 && r.status !== 200) throw new Error(`activation: HTTP ${r.status} ${JSON.stringify(r.body)}`);
  const typed = await runCli(['unblock', 'pin', '--card', c.serial, '--socket', workerSocket(s, reader.ws.id), '--pin-stdin'], {
    input: `${pin}\n`,
  });
  if (typed.code !== 0) throw new Error(`scm unblock pin (activation): ${typed.stderr}`);
}
