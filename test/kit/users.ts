import { randomUUID } from 'node:crypto';
import { hashPassword } from '@scm/common';
import type { Role } from '@scm/db';
import { Client } from 'pg';
import { testEnv } from './test-env';

export const TEST_PASSWORD = 'correct horse battery staple';

/** A database client as the application role (what the API uses). */
export async function appDb(): Promise<Client> {
  const c = new Client({ connectionString: testEnv.SCM_DATABASE_URL });
  await c.connect();
  return c;
}

/** A database client as the schema owner (for tests that play an intruder with owner rights). */
export async function ownerDb(): Promise<Client> {
  const c = new Client({ connectionString: testEnv.SCM_DATABASE_OWNER_URL });
  await c.connect();
  return c;
}

let hashed: Promise<string> | undefined;

/** Creates a user with active roles directly in the database (fixture), password TEST_PASSWORD. */
export async function createTestUser(username: string, roles: Role[]): Promise<string> {
  hashed ??= hashPassword(TEST_PASSWORD);
  const db = await appDb();
  try {
    const id = randomUUID();
    await db.query(
      `INSERT INTO app_user (id, username, display_name, password_hash, disabled, created_at, password_changed_at) VALUES ($1,$2,$2,$3,false,now(),now())`,
      [id, username, await hashed],
    );
    for (const r of roles)
      await db.query(`INSERT INTO user_role (id, user_id, role, status, requested_at) VALUES ($1,$2,$3,'active',now())`, [
        randomUUID(),
        id,
        r,
      ]);
    return id;
  } finally {
    await db.end();
  }
}

/** Logs in over HTTP; returns the bearer token. */
export async function loginAs(apiUrl: string, username: string, password = TEST_PASSWORD): Promise<string> {
  const res = await fetch(`${apiUrl}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password }),
  });
  if (!res.ok) throw new Error(`login ${username}: HTTP ${res.status} ${await res.text()}`);
  return ((await res.json()) as { token: string }).token;
}

let seq = 0;
/** A unique username for this test run. */
export const uniqueName = (prefix: string): string => `${prefix}-${process.pid}-${++seq}-${Date.now() % 100000}`;

/** fetch with a bearer token; returns status and parsed body. */
export async function call<T = unknown>(
  apiUrl: string,
  method: string,
  path: string,
  token?: string,
  body?: unknown,
): Promise<{ status: number; body: T }> {
  const res = await fetch(`${apiUrl}${path}`, {
    method,
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : undefined) as T };
}

/** Confirms the password on a session (sensitive actions, marked @Fresh, need it recently). */
export async function reauth(apiUrl: string, token: string, password = TEST_PASSWORD): Promise<void> {
  const r = await call(apiUrl, 'POST', '/api/v1/auth/reauth', token, { password });
  if (r.status !== 200 && r.status !== 201) throw new Error(`reauth: HTTP ${r.status} ${JSON.stringify(r.body)}`);
}

type PendingView = { id: string; kind: string; subject: Record<string, unknown>; subjectHash: string };

/** A pending dual-control request as an approver reads it (GET /api/v1/approvals). */
export async function pendingApproval(apiUrl: string, token: string, approvalId: string): Promise<PendingView> {
  const list = await call<PendingView[]>(apiUrl, 'GET', '/api/v1/approvals?status=pending', token);
  const a = list.body.find((x) => x.id === approvalId);
  if (!a) throw new Error(`no pending approval ${approvalId} (HTTP ${list.status})`);
  return a;
}

/**
 * Approves a dual-control request as an approver does: confirms their password (approving needs a
 * fresh one), reads the request and approves the subject hash it shows. Returns the HTTP answer.
 */
export async function approveAs<T = { status: string; approvals: number; code?: string }>(
  apiUrl: string,
  token: string,
  approvalId: string,
): Promise<{ status: number; body: T }> {
  await reauth(apiUrl, token);
  const a = await pendingApproval(apiUrl, token, approvalId);
  return call<T>(apiUrl, 'POST', `/api/v1/approvals/${approvalId}/approve`, token, { subjectHash: a.subjectHash });
}

export interface TestOfficer {
  id: string;
  username: string;
  token: string;
}

const seconds = new Map<string, Promise<TestOfficer>>();

/**
 * A second security officer for this API, made once per API: separation of duties gives the steps
 * after an officer's own (approving a cardholder, sponsoring a card, approving a worker whose token
 * that officer made, activating a card that officer requested) to another person.
 */
export function secondOfficer(apiUrl: string): Promise<TestOfficer> {
  let o = seconds.get(apiUrl);
  if (!o) {
    o = (async () => {
      const username = uniqueName('second-officer');
      const id = await createTestUser(username, ['security-officer']);
      return { id, username, token: await loginAs(apiUrl, username) };
    })();
    seconds.set(apiUrl, o);
  }
  return o;
}

/** A second officer approves a pending registration or sponsorship (when the answer names one). */
export async function approveBySecondOfficer(apiUrl: string, approval: { id: string } | undefined): Promise<void> {
  if (!approval) return;
  const r = await approveAs(apiUrl, (await secondOfficer(apiUrl)).token, approval.id);
  if (r.status !== 200) throw new Error(`approve ${approval.id}: HTTP ${r.status} ${JSON.stringify(r.body)}`);
}
