import { loadSession, sessionApiUrl } from '../api-client';
import { CliError } from '../output';

/** An entry of a bulk call the API refused, by its index in the list sent. */
export interface EntryError {
  index: number;
  message: string;
  field?: string;
  code?: string;
  otherIndex?: number;
}

/**
 * POSTs a bulk list to the API with the saved session. A refusal that names entries (422 with
 * `errors`) is returned as such so the caller can print each entry's file line; any other
 * problem is a CliError.
 */
export async function postBulk<T>(
  path: string,
  body: unknown,
): Promise<{ ok: true; data: T } | { ok: false; detail: string; errors: EntryError[] }> {
  const s = loadSession();
  if (!s) throw new CliError('not logged in (or the session expired): run "bin/scm login"');
  const base = sessionApiUrl(s);
  let res: Response;
  try {
    res = await fetch(`${base}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${s.token}` },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(600_000),
    });
  } catch (e) {
    throw new CliError(`the issuer API at ${base} does not answer (${(e as Error).message}); is "npm start" running?`);
  }
  const text = await res.text();
  const data = text ? (JSON.parse(text) as Record<string, unknown>) : {};
  if (res.ok) return { ok: true, data: data as T };
  if (res.status === 422 && Array.isArray(data.errors))
    return { ok: false, detail: String(data.detail ?? 'refused'), errors: data.errors as EntryError[] };
  if (res.status === 401) throw new CliError(`${String(data.detail ?? 'not authenticated')}: run "bin/scm login"`);
  throw new CliError(`${String(data.detail ?? data.title ?? `HTTP ${res.status}`)}${data.code ? ` [${String(data.code)}]` : ''}`);
}

/** Prints each refused entry as `FILE line N: message` and fails. */
export function reportEntryErrors(file: string, lines: number[], r: { detail: string; errors: EntryError[] }): never {
  for (const e of r.errors) {
    const other = e.otherIndex !== undefined ? ` (first at line ${lines[e.otherIndex]})` : '';
    process.stderr.write(`${file} line ${lines[e.index] ?? `?${e.index}`}: ${e.field ? `${e.field}: ` : ''}${e.message}${other}\n`);
  }
  throw new CliError(`${r.detail}`);
}
