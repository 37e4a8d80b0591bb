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
