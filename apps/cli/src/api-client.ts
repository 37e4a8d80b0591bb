import { chmodSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { CliError } from './output';
import { readSecret } from './prompt';
import { insecureApiUrl } from './api-url';

/** The CLI user's session, kept in ~/.config/scm/session.json (mode 0600). */
export interface CliSession {
  apiUrl: string;
  token: string;
  username: string;
  roles: string[];
  expiresAt: string;
}

export const sessionFile = (): string =>
  process.env.SCM_CLI_SESSION_FILE || join(process.env.XDG_CONFIG_HOME || join(homedir(), '.config'), 'scm', 'session.json');

export const apiUrl = (): string => (process.env.SCM_API_URL || 'http://127.0.0.1:7400').replace(/\/$/, '');

/** The API URL a session is sent to (SCM_API_URL, else the session's); refused when it would go in clear beyond loopback. */
export function sessionApiUrl(s: { apiUrl?: string } | undefined): string {
  const base = s?.apiUrl && !process.env.SCM_API_URL ? s.apiUrl : apiUrl();
  const insecure = insecureApiUrl(base);
  if (insecure) throw new CliError(insecure);
  return base;
}

export function saveSession(s: CliSession): void {
  const f = sessionFile();
  mkdirSync(dirname(f), { recursive: true, mode: 0o700 });
  writeFileSync(f, JSON.stringify(s, null, 2), { mode: 0o600 });
  chmodSync(f, 0o600);
}

export function loadSession(): CliSession | undefined {
  try {
    const s = JSON.parse(readFileSync(sessionFile(), 'utf8')) as CliSession;
    return new Date(s.expiresAt) > new Date() ? s : undefined;
  } catch {
    return undefined;
  }
}

export function dropSession(): void {
  rmSync(sessionFile(), { force: true });
}

export interface Problem {
  status: number;
  code: string;
  detail?: string;
  title?: string;
}

/** Calls the issuer API with the saved session (or anonymously); problems become CliErrors. */
export async function api<T>(
  method: string,
  path: string,
  body?: unknown,
  opts: { anonymous?: boolean; token?: string; reauthDone?: boolean } = {},
): Promise<T> {
  const s = opts.anonymous ? undefined : loadSession();
  const token = opts.token ?? s?.token;
  if (!opts.anonymous && !token) throw new CliError('not logged in (or the session expired): run "bin/scm login"');
  const base = sessionApiUrl(s);
  let res: Response;
  try {
    res = await fetch(`${base}${path}`, {
      method,
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(120_000),
    });
  } catch (e) {
    throw new CliError(`the issuer API at ${base} does not answer (${(e as Error).message}); is "npm start" running?`);
  }
  const text = await res.text();
  const data = text ? (JSON.parse(text) as unknown) : undefined;
  if (!res.ok) {
    const p = (data ?? {}) as Partial<Problem>;
    if (p.code === 'auth.reauth-required' && !opts.reauthDone) {
      // Sensitive action: confirm the password, then try once more.
      const password = await readSecret({ envVar: 'SCM_PASSWORD', question: 'This action needs your password again: ' });
      await api('POST', '/api/v1/auth/reauth', { password }, { token });
      return api<T>(method, path, body, { ...opts, token, reauthDone: true });
    }
    if (res.status === 401 && !opts.anonymous) throw new CliError(`${p.detail ?? 'not authenticated'}: run "bin/scm login"`);
    throw new CliError(`${p.detail ?? p.title ?? `HTTP ${res.status}`}${p.code ? ` [${p.code}]` : ''}`);
  }
  return data as T;
}
