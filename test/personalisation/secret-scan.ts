import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { type KeyObject } from 'node:crypto';
import Redis from 'ioredis';
import { testEnv } from '@scm/test-kit';

const run = promisify(execFile);

/** A secret and every form it could take in a dump: raw text, hex, base64, PEM body. */
export interface Secret {
  what: string;
  /** Exact substrings that must not appear. */
  forms: string[];
  /** Short decimal secrets (PIN, PUK): matched only between non-alphanumerics, to keep random hex from matching. */
  digits?: string;
}

const encodings = (b: Buffer): string[] =>
  [b.toString('hex'), b.toString('hex').toUpperCase(), b.toString('base64'), b.toString('base64url')].filter((s) => s.length >= 16);

/** A byte secret (a key, a management key) in all its encodings. */
export function bytesSecret(what: string, b: Buffer): Secret {
  return { what, forms: encodings(b) };
}

/** A private key: PKCS#8 DER and PEM, and each private component of it. */
export function privateKeySecret(what: string, k: KeyObject): Secret[] {
  const der = k.export({ format: 'der', type: 'pkcs8' });
  const pem = (k.export({ format: 'pem', type: 'pkcs8' }) as string).split('\n').filter((l) => l && !l.startsWith('-----'));
  const jwk = k.export({ format: 'jwk' });
  const parts = ['d', 'p', 'q', 'dp', 'dq', 'qi']
    .map((n) => (jwk as Record<string, string | undefined>)[n])
    .filter((v): v is string => !!v);
  return [
    { what: `${what} (PKCS#8)`, forms: [...encodings(der), ...pem.slice(1, 3)] },
    ...parts.map((p, i) => bytesSecret(`${what} (component ${i})`, Buffer.from(p, 'base64url'))),
  ];
}

/** A PIN or PUK: its text between non-alphanumerics, and its ASCII bytes encoded. */
export function digitsSecret(what: string, value: string): Secret {
  return { what, digits: value, forms: encodings(Buffer.from(value, 'latin1')).filter((f) => f.length >= 12) };
}

/** Which secrets appear in `text` (by name). */
export function findSecrets(text: string, secrets: Secret[]): string[] {
  const found: string[] = [];
  for (const s of secrets) {
    if (s.forms.some((f) => text.includes(f))) found.push(s.what);
    else if (s.digits && new RegExp(`(?<![0-9A-Za-z])${s.digits}(?![0-9A-Za-z])`).test(text)) found.push(s.what);
  }
  return found;
}

/** Every row of every table of the test database, as pg_dump writes it. */
export async function dumpDatabase(): Promise<string> {
  const db = new URL(testEnv.SCM_DATABASE_URL).pathname.slice(1);
  const r = await run('pg_dump', ['-h', '127.0.0.1', '-U', 'postgres', '--data-only', '--no-owner', db], { maxBuffer: 512 << 20 });
  return r.stdout;
}

/** Every key of the test Redis database with its value, whatever its type. */
export async function dumpRedis(url = testEnv.SCM_REDIS_URL): Promise<string> {
  const r = new Redis(url);
  const out: string[] = [];
  try {
    let cursor = '0';
    do {
      const [next, keys] = await r.scan(cursor, 'COUNT', 1000);
      cursor = next;
      for (const k of keys) {
        const t = await r.type(k);
        let v: unknown;
        if (t === 'string') v = await r.getBuffer(k);
        else if (t === 'hash') v = await r.hgetall(k);
        else if (t === 'list') v = await r.lrange(k, 0, -1);
        else if (t === 'set') v = await r.smembers(k);
        else if (t === 'zset') v = await r.zrange(k, 0, -1, 'WITHSCORES');
        else if (t === 'stream') v = await r.xrange(k, '-', '+');
        out.push(`${k} ${t} ${Buffer.isBuffer(v) ? `${v.toString('latin1')} ${v.toString('hex')}` : JSON.stringify(v)}`);
      }
    } while (cursor !== '0');
  } finally {
    r.disconnect();
  }
  return out.join('\n');
}
