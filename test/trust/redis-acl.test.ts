import { connect } from 'node:net';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { workerSchema } from '@scm/config';
import { call, PrivateRedis, startApi, startApprovedWorker, testWorkstations, type RunningApi } from '@scm/test-kit';
import Redis from 'ioredis';
import { loadApiConfig } from '../../apps/issuer-api/src';
import { cardholders, officer, people, waitFor, type Officer } from '../issuance/support';

const ROOT = join(__dirname, '..', '..');
/** The rules scripts/setup gives SCM's Redis user (the password is added there). */
const ACL_RULES = readFileSync(join(ROOT, 'scripts', 'redis-scm.acl'), 'utf8')
  .split('\n')
  .filter((l) => l.trim() && !l.startsWith('#'))
  .join(' ')
  .split(/\s+/)
  .filter(Boolean);

/**
 * Redis is the API's alone. On a Redis of the test's own, configured as scripts/setup configures
 * SCM's user (and, as a dedicated production Redis would be, with the default user switched off):
 * the API runs its background work as user "scm" with the password from a 0600 file; a client
 * without credentials cannot write SCM's keys; the scm user cannot touch other keys or flush.
 * A card worker has no Redis setting at all and never connects to one.
 *
 * On the shared development Redis the default user must stay open for the other tools of the
 * machine, so there an unauthenticated client can still write any key: the ACL user confines what
 * SCM's own credentials can do, and the workers have no URL to use.
 */
describe('Redis: credentials for the API, nothing for the workers', () => {
  const redis = new PrivateRedis();
  const trap = new PrivateRedis();
  const dir = mkdtempSync(join(tmpdir(), 'scm-redis-acl-'));
  const passwordFile = join(dir, 'scm-password');
  const password = 'acl-test-password-0123456789abcdef';
  let api: RunningApi;
  let off: Officer;
  let url: string;

  beforeAll(async () => {
    await redis.start();
    await trap.start();
    const admin = redis.client();
    try {
      expect(await admin.call('ACL', 'SETUSER', 'scm', 'reset', 'on', `>${password}`, ...ACL_RULES)).toBe('OK');
      expect(await admin.call('ACL', 'SETUSER', 'default', 'off')).toBe('OK');
    } finally {
      admin.disconnect();
    }
    writeFileSync(passwordFile, password);
    chmodSync(passwordFile, 0o600);
    url = `redis://scm@127.0.0.1:${redis.port}/0`;
    api = await startApi({ SCM_REDIS_URL: url, SCM_REDIS_PASSWORD_FILE: passwordFile, SCM_REDIS_PREFIX: 'scm' });
    off = await officer(api);
  }, 60_000);
  afterAll(async () => {
    await api?.close();
    off?.cleanup();
    await redis.stop();
    await trap.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('runs the API background work as SCM user: a request goes through key generation (BullMQ) to awaiting-card', async () => {
    const [holder] = await cardholders(api, off.token, people(1));
    const id = (await call<{ id: string }>(api.url, 'POST', '/api/v1/issuance-requests', off.token, { cardholder: holder })).body.id;
    await waitFor('awaiting-card', async () =>
      (await call<{ state: string }>(api.url, 'GET', `/api/v1/issuance-requests/${id}`, off.token)).body.state === 'awaiting-card'
        ? true
        : undefined,
    );
    const scm = new Redis(`redis://scm:${password}@127.0.0.1:${redis.port}/0`);
    try {
      expect((await scm.keys('scm:keygen:*').catch((e: Error) => e.message)) as unknown).toMatch(/NOPERM/);
      expect(await scm.exists(`scm:keygen:generate-keys|requestId=${id}`)).toBe(1);
    } finally {
      scm.disconnect();
    }
  });

  it('refuses a client without credentials, and confines SCM user to its keys and to no admin command', async () => {
    // A client that does not authenticate, speaking RESP over a plain socket (no client library in between).
    expect(await rawCommand(redis.port, ['SET', 'scm:outbox:epoch', 'forged'])).toMatch(/^-NOAUTH/);
    expect(await rawCommand(redis.port, ['DEL', 'scm:keygen:meta'])).toMatch(/^-NOAUTH/);
    const scm = new Redis(`redis://scm:${password}@127.0.0.1:${redis.port}/0`);
    try {
      await expect(scm.set('bull:elsewhere', 'x')).rejects.toThrow(/NOPERM/);
      await expect(scm.flushall()).rejects.toThrow(/NOPERM/);
      await expect(scm.call('CONFIG', 'SET', 'requirepass', '')).rejects.toThrow(/NOPERM/);
      expect(await scm.set('scm:probe', 'x')).toBe('OK');
    } finally {
      scm.disconnect();
    }
  });

  it('gives the API its password from the 0600 file, and says what to do when the file is missing', () => {
    expect(loadApiConfig({ SCM_REDIS_URL: url, SCM_REDIS_PASSWORD_FILE: passwordFile }).SCM_REDIS_URL).toBe(
      `redis://scm:${password}@127.0.0.1:${redis.port}/0`,
    );
    expect(() => loadApiConfig({ SCM_REDIS_URL: url, SCM_REDIS_PASSWORD_FILE: join(dir, 'missing') })).toThrow(
      /SCM_REDIS_PASSWORD_FILE=".*missing" cannot be read \(ENOENT\)/,
    );
    // A URL without a user (a Redis without ACLs, the test kit's own) is used as it is.
    expect(loadApiConfig({ SCM_REDIS_URL: 'redis://127.0.0.1:6379/3' }).SCM_REDIS_URL).toBe('redis://127.0.0.1:6379/3');
  });

  it('a card worker has no Redis setting and never opens a Redis connection, even with a Redis URL in its environment', async () => {
    expect(Object.keys(workerSchema).filter((k) => /REDIS/.test(k))).toEqual([]);
    const probe = trap.client();
    const connections = async () => Number(/total_connections_received:(\d+)/.exec(await probe.info('stats'))![1]);
    const [ws] = testWorkstations();
    const before = await connections();
    const w = await startApprovedWorker(api, off.token, ws, { SCM_REDIS_URL: trap.url, SCM_REDIS_PREFIX: 'scm' });
    try {
      // Approved, logged in, its channel open and its readers reported: it has done what it does at start.
      await w.waitForLog(/"msg":"asking the API for card jobs for blank cards"/);
      expect(await connections()).toBe(before);
      expect(w.log()).not.toMatch(/redis/i);
    } finally {
      await w.stop();
      probe.disconnect();
    }
  }, 60_000);
});

/** Sends one command without authenticating and returns the first line of the reply. */
function rawCommand(port: number, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const sock = connect(port, '127.0.0.1');
    let reply = '';
    sock.on('connect', () => sock.write(`*${args.length}\r\n${args.map((a) => `$${Buffer.byteLength(a)}\r\n${a}\r\n`).join('')}`));
    sock.on('data', (d) => {
      reply += d.toString();
      if (reply.includes('\r\n')) {
        sock.destroy();
        resolve(reply.split('\r\n')[0]);
      }
    });
    sock.on('error', reject);
  });
}
