import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Redis from 'ioredis';
import { Client } from 'pg';
import { testWorkstations } from '@scm/test-kit';
import { type Deployment, httpsJson, prepareDeployment, ROOT, type Spawned, spawnLogged } from './support';

/**
 * docker-compose.yml started without a container engine: every service's own command as a local
 * process with that service's environment, secrets and volumes (libs/compose-local), against a
 * PostgreSQL set up as the official image sets itself up (scram-sha-256 for network clients, the
 * superuser's password from its file) and Redis with a password, in dependency order and honouring
 * each depends_on condition. Then the first admin (one command), an officer, and a card worker
 * that enrols through the TLS proxy and is approved.
 */
describe('docker-compose.yml, run as local processes', () => {
  let d: Deployment;
  let worker: Spawned | undefined;
  let workerDir: string;
  const password = 'compose test password 1';

  beforeAll(async () => {
    d = await prepareDeployment();
    workerDir = mkdtempSync(join(tmpdir(), 'scm-compose-worker-'));
  });

  afterAll(async () => {
    await worker?.stop();
    await d?.compose.down();
    if (d) rmSync(d.dir, { recursive: true, force: true });
    rmSync(workerDir, { recursive: true, force: true });
  });

  it('publishes only the proxy; PostgreSQL, Redis and the API sit on an internal network', () => {
    const s = d.compose.compose.services;
    expect(Object.keys(s).sort()).toEqual(['cli', 'init', 'issuer-api', 'migrate', 'postgres', 'proxy', 'redis']);
    // Data in volumes; Redis with AOF and noeviction (queues must not be dropped).
    expect(s.postgres.volumes).toContainEqual({ source: 'pgdata', target: '/var/lib/postgresql/data', readOnly: false });
    expect(s.redis.volumes).toContainEqual({ source: 'redisdata', target: '/data', readOnly: false });
    expect(s.redis.command!.join(' ')).toMatch(/--appendonly yes .*--maxmemory-policy noeviction/);
    // The HSM configured by environment, its PIN from a secret.
    expect(s['issuer-api'].environment).toMatchObject({ SCM_PKCS11_PIN_FILE: '/run/secrets/hsm_pin' });
    expect(s['issuer-api'].environment).not.toHaveProperty('SCM_PKCS11_PIN');
    const published = Object.values(s).filter((x) => x.ports.length > 0);
    expect(published.map((x) => x.name)).toEqual(['proxy']);
    expect(d.compose.compose.networks.backend.internal).toBe(true);
    for (const name of ['postgres', 'redis', 'issuer-api']) expect(s[name].networks).toEqual(['backend']);
    // No password is inline: each role's comes from a secret file.
    for (const x of Object.values(s))
      for (const [k, v] of Object.entries(x.environment))
        if (/^(postgres|redis):\/\//.test(v)) expect([k, new URL(v).password]).toEqual([k, '']);
    expect(s.migrate.environment).toMatchObject({
      SCM_DATABASE_ADMIN_PASSWORD_FILE: '/run/secrets/pg_admin_password',
      SCM_DATABASE_OWNER_PASSWORD_FILE: '/run/secrets/db_owner_password',
      SCM_DATABASE_PASSWORD_FILE: '/run/secrets/db_app_password',
    });
    expect(s['issuer-api'].environment).toMatchObject({
      SCM_DATABASE_PASSWORD_FILE: '/run/secrets/db_app_password',
      SCM_REDIS_PASSWORD_FILE: '/run/secrets/redis_password',
    });
  });

  it('starts: migrate and init complete, the API becomes healthy, the proxy serves it over TLS', async () => {
    await d.compose.up();
    expect(await d.compose.running.get('migrate')!.exited).toBe(0);
    expect(await d.compose.running.get('init')!.exited).toBe(0);
    const init = d.compose.running.get('init')!.log();
    expect(init).toContain('HSM token "scm": initialised');
    expect(init).toMatch(/scm-audit-checkpoint\/1: created/);
    expect(init).toMatch(/scm-root: created/);
    expect(init).toContain('init: ready');
    const health = await httpsJson(d.publicUrl, d.secrets.tls_cert, 'GET', '/health');
    expect(health.status).toBe(200);
  });

  it('needs every password: PostgreSQL refuses the roles without theirs, Redis refuses without its own', async () => {
    const pg = d.compose.ports.get('postgres')!;
    const without = new Client({ connectionString: `postgres://scm_app@127.0.0.1:${pg}/scm` });
    await expect(without.connect()).rejects.toThrow(/password/);
    await without.end().catch(() => undefined);
    const app = new Client({
      connectionString: `postgres://scm_app:${readFileSync(d.secrets.db_app_password, 'utf8').trim()}@127.0.0.1:${pg}/scm`,
    });
    await app.connect();
    try {
      // the role's password is stored as a SCRAM verifier, and it cannot write the schema
      await expect(app.query('CREATE TABLE intruder (x int)')).rejects.toThrow(/permission denied/);
    } finally {
      await app.end();
    }
    const r = new Redis(`redis://127.0.0.1:${d.compose.ports.get('redis')}/0`, {
      lazyConnect: true,
      enableReadyCheck: false,
      maxRetriesPerRequest: 0,
      retryStrategy: () => null,
    });
    r.on('error', () => undefined);
    await r.connect();
    await expect(r.ping()).rejects.toThrow(/NOAUTH/);
    r.disconnect();
  });

  it('creates the first admin with one command, and two officers', async () => {
    const admin = await d.compose.run('cli', ['admin', 'create-user', '-u', 'alice', '-r', 'admin'], { env: { SCM_PASSWORD: password } });
    expect(admin).toEqual({ code: 0, out: expect.stringMatching(/created alice \(admin\)/) });
    // Two officers: one makes a worker's enrolment token, the other approves the worker.
    for (const officer of ['olivia', 'oscar']) {
      const r = await d.compose.run('cli', ['admin', 'create-user', '-u', officer, '-r', 'security-officer'], {
        env: { SCM_PASSWORD: password },
      });
      expect(r.code).toBe(0);
    }
  });

  it('a card worker at a workstation enrols through the TLS proxy and an officer approves it', async () => {
    const logIn = async (username: string): Promise<string> => {
      const r = await httpsJson<{ token: string }>(d.publicUrl, d.secrets.tls_cert, 'POST', '/api/v1/auth/login', undefined, {
        username,
        password,
      });
      expect(r.status).toBe(200);
      return r.body.token;
    };
    const maker = await logIn('olivia');
    const approver = await logIn('oscar');
    const ws = testWorkstations()[2];
    const tok = await httpsJson<{ token: string }>(d.publicUrl, d.secrets.tls_cert, 'POST', '/api/v1/workers/enrollment-tokens', maker, {
      workstation: ws.id,
    });
    expect(tok.status).toBe(201);
    worker = spawnLogged(process.execPath, [join(ROOT, 'dist/apps/card-worker/src/main.js')], {
      PATH: process.env.PATH,
      NODE_EXTRA_CA_CERTS: d.secrets.tls_cert,
      SCM_API_URL: d.publicUrl,
      SCM_ENROLLMENT_TOKEN: tok.body.token,
      SCM_WORKSTATION: String(ws.id),
      SCM_STATE_DIR: workerDir,
      SCM_HEARTBEAT_MS: '1000',
      PCSCLITE_CSOCK_NAME: ws.socket,
      SCM_LOG_LEVEL: 'info',
    });
    const fp = (await worker.waitForLog(/"fingerprint":"([0-9A-F-]+)".*waiting for an officer to approve/))[1];
    const list = await httpsJson<Array<{ id: string; fingerprint: string; status: string }>>(
      d.publicUrl,
      d.secrets.tls_cert,
      'GET',
      '/api/v1/workers',
      approver,
    );
    const w = list.body.find((x) => x.fingerprint === fp)!;
    expect(w.status).toBe('pending');
    const ok = await httpsJson(d.publicUrl, d.secrets.tls_cert, 'POST', `/api/v1/workers/${w.id}/approve`, approver, {
      fingerprint: fp,
    });
    expect(ok.status).toBe(200);
    await worker.waitForLog(/"msg":"channel to the API open"/);
  });

  it('init again creates nothing and replaces nothing', async () => {
    const again = await d.compose.run('init');
    expect(again.code).toBe(0);
    expect(again.out).toContain('HSM token "scm": present');
    expect(again.out).not.toMatch(/: created|initialised/);
  });
});
