import type { Role } from '@scm/db';
import { ROLES } from '@scm/db';
import type { ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AuthGuard, SessionService, API_CONFIG, routeTable, type RouteInfo, CLOCK, CHANNEL_PATH } from '../../apps/issuer-api/src';
import { generateKeyPairSync, sign } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { workerAuthMessage } from '@scm/common';
import { call, createTestUser, enrollmentToken, loginAs, startApi, TEST_PASSWORD, uniqueName, type RunningApi } from '@scm/test-kit';

/** An approved worker session, by the protocol (register, approve, sign a challenge). */
async function workerToken(api: RunningApi, officer: string, approver: string): Promise<string> {
  const s = generateKeyPairSync('ed25519');
  const k = generateKeyPairSync('x25519');
  const reg = await call<{ id: string; fingerprint: string }>(api.url, 'POST', '/api/v1/workers/register', undefined, {
    enrollmentToken: await enrollmentToken(api, officer, 0),
    name: 'matrix',
    host: 'h',
    workstation: 0,
    signPublicKey: s.publicKey.export({ format: 'der', type: 'spki' }).toString('base64'),
    kexPublicKey: k.publicKey.export({ format: 'der', type: 'spki' }).toString('base64'),
  });
  // Separation of duties: a second officer approves the worker whose token the first one made.
  const ok = await call(api.url, 'POST', `/api/v1/workers/${reg.body.id}/approve`, approver, { fingerprint: reg.body.fingerprint });
  if (ok.status !== 200) throw new Error(`approve worker: HTTP ${ok.status} ${JSON.stringify(ok.body)}`);
  const { body } = await call<{ nonce: string }>(api.url, 'POST', '/api/v1/workers/challenge', undefined, { workerId: reg.body.id });
  const signature = sign(null, workerAuthMessage(reg.body.id, body.nonce), s.privateKey).toString('base64');
  return (
    await call<{ token: string }>(api.url, 'POST', '/api/v1/workers/session', undefined, {
      workerId: reg.body.id,
      nonce: body.nonce,
      signature,
    })
  ).body.token;
}

/** A location block of the nginx example in docs/security.md. */
type Location = { modifier: '' | '=' | '^~' | '~' | '~*'; match: string; clientCertificate: boolean };

function nginxExample(): Location[] {
  const md = readFileSync(join(__dirname, '..', '..', 'docs', 'security.md'), 'utf8');
  const block = /```nginx\n([\s\S]*?)```/.exec(md)?.[1];
  if (!block) throw new Error('docs/security.md has no nginx example');
  const out: Location[] = [];
  for (const m of block.matchAll(/location\s+(?:(=|\^~|~\*|~)\s+)?(\S+)\s*\{((?:[^{}]|\{[^{}]*\})*)\}/g)) {
    out.push({
      modifier: (m[1] ?? '') as Location['modifier'],
      match: m[2],
      clientCertificate: /if \(\$ssl_client_verify != SUCCESS\) \{ return 403; \}/.test(m[3]),
    });
  }
  return out;
}

/** The location nginx picks for a path: exact, then the longest prefix (final when ^~), then regular expressions in order. */
function nginxLocation(locations: Location[], path: string): Location | undefined {
  const exact = locations.find((l) => l.modifier === '=' && l.match === path);
  if (exact) return exact;
  const longest = locations
    .filter((l) => (l.modifier === '' || l.modifier === '^~') && path.startsWith(l.match))
    .sort((a, b) => b.match.length - a.match.length)[0];
  if (longest?.modifier === '^~') return longest;
  const regex = locations.find(
    (l) => (l.modifier === '~' || l.modifier === '~*') && new RegExp(l.match, l.modifier === '~*' ? 'i' : '').test(path),
  );
  return regex ?? longest;
}

/** Variants of a path a path rule might miss: other case, a trailing slash, a doubled slash. */
const variants = (path: string): string[] =>
  [
    path.replace('/api/v1/worker', '/api/v1/Worker'),
    path.replace('/api/v1/auth/reauth', '/api/v1/auth/Reauth'),
    path.replace('/api/v1/', '/API/v1/'),
    `${path}/`,
    path.replace('/api/v1/', '/api/v1//'),
  ].filter((v) => v !== path);

/** A concrete URL for a route pattern (the guard answers before parameters are parsed). */
const concrete = (path: string): string => path.replace(/:[A-Za-z]+/g, '00000000-0000-4000-8000-000000000000');

describe('every route declares who may call it, and it is enforced', () => {
  let api: RunningApi;
  let routes: RouteInfo[];
  const tokens = new Map<Role | 'card-worker', string>();
  const names = new Map<Role, string>();

  /** The global guard's verdict for a route and a bearer token, without running the handler. */
  const guardDecision = async (r: RouteInfo, token: string): Promise<string> => {
    const guard = new AuthGuard(api.app.get(Reflector), api.app.get(SessionService), api.app.get(API_CONFIG), api.app.get(CLOCK));
    const req = { headers: { authorization: `Bearer ${token}` } };
    const ctx = { getHandler: () => r.target.fn, getClass: () => r.target.cls, switchToHttp: () => ({ getRequest: () => req }) };
    try {
      return (await guard.canActivate(ctx as unknown as ExecutionContext)) ? 'allowed' : 'refused';
    } catch (e) {
      return `refused: ${(e as Error).message}`;
    }
  };

  beforeAll(async () => {
    api = await startApi();
    routes = routeTable(api.app);
    for (const role of ROLES) {
      const u = uniqueName(role);
      await createTestUser(u, [role]);
      tokens.set(role, await loginAs(api.url, u));
      names.set(role, u);
    }
    const approver = uniqueName('approver');
    await createTestUser(approver, ['security-officer']);
    tokens.set('card-worker', await workerToken(api, tokens.get('security-officer')!, await loginAs(api.url, approver)));
  });
  afterAll(() => api.close());

  it('finds the routes', () => {
    expect(routes.length).toBeGreaterThan(20);
    expect(routes.map((r) => `${r.method} ${r.path}`)).toEqual(
      expect.arrayContaining(['POST /api/v1/auth/login', 'GET /health', 'GET /api/v1/audit/verify']),
    );
  });

  it('has an access rule on every route (a new route without one fails here)', () => {
    const missing = routes.filter((r) => !r.access).map((r) => `${r.method} ${r.path} (${r.controller}.${r.handler})`);
    expect(missing).toEqual([]);
  });

  it('answers 401 to an anonymous caller on every non-public route', async () => {
    for (const r of routes.filter((x) => x.access?.kind !== 'public')) {
      const res = await call<{ code: string }>(api.url, r.method, concrete(r.path));
      expect([`${r.method} ${r.path}`, res.status, res.body?.code]).toEqual([`${r.method} ${r.path}`, 401, 'auth.unauthenticated']);
    }
  });

  it('answers 403 to every principal a route does not allow, and never 401/403 to one it allows (route × role matrix)', async () => {
    const principals = [...ROLES, 'card-worker'] as const;
    const matrix: string[] = [];
    let checked = 0;
    for (const r of routes.filter((x) => x.access?.kind !== 'public')) {
      const a = r.access!;
      for (const who of principals) {
        const allowed =
          a.kind === 'roles'
            ? (a.roles as readonly string[]).includes(who)
            : a.kind === 'worker'
              ? who === 'card-worker'
              : a.kind === 'user'
                ? who !== 'card-worker'
                : true;
        matrix.push(`${who} ${r.method} ${r.path} -> ${allowed ? 'allowed' : 'refused'}`);
        const label = `${who} ${r.method} ${r.path} ${JSON.stringify(a)} (${r.controller}.${r.handler})`;
        if (allowed) {
          // Allowed calls would run the command (seal a volume, publish a CRL...): ask the guard itself.
          expect([label, await guardDecision(r, tokens.get(who)!)]).toEqual([label, 'allowed']);
        } else {
          const res = await call<{ code: string }>(
            api.url,
            r.method,
            concrete(r.path),
            tokens.get(who),
            r.method === 'GET' ? undefined : {},
          );
          expect([label, res.status, res.body?.code]).toEqual([label, 403, 'auth.forbidden']);
        }
        checked++;
      }
    }
    expect(checked).toBe(routes.filter((x) => x.access?.kind !== 'public').length * principals.length);
    expect(matrix.filter((m) => m.startsWith('card-worker') && m.endsWith('allowed')).length).toBeGreaterThan(0);
  });

  it('the nginx example demands the client certificate on every worker route, log-in door and the channel, and on no officer route', () => {
    const locations = nginxExample();
    expect(locations.length).toBeGreaterThan(1);
    const doors = /^\/api\/v1\/workers\/(register|challenge|session)$/;
    const workerPaths = [
      ...routes
        .filter((r) => r.access?.kind === 'worker' || (r.access?.kind === 'public' && doors.test(r.path)))
        .map((r) => concrete(r.path)),
      CHANNEL_PATH,
    ];
    expect(workerPaths.length).toBeGreaterThan(10);
    const uncovered = workerPaths.filter((p) => !nginxLocation(locations, p)?.clientCertificate);
    expect(uncovered).toEqual([]);
    const officerPaths = routes.filter((r) => r.access?.kind === 'roles' || r.access?.kind === 'user').map((r) => concrete(r.path));
    expect(officerPaths.filter((p) => nginxLocation(locations, p)?.clientCertificate)).toEqual([]);
  });

  it('reaches a worker route only by its exact path: case and slash variants reach no route, with any session', async () => {
    const workerRoutes = routes.filter((r) => r.access?.kind === 'worker');
    expect(workerRoutes.length).toBeGreaterThan(10);
    for (const r of workerRoutes) {
      const exact = await call<{ code: string }>(
        api.url,
        r.method,
        concrete(r.path),
        tokens.get('security-officer'),
        r.method === 'GET' ? undefined : {},
      );
      expect([`${r.method} ${r.path}`, exact.status]).toEqual([`${r.method} ${r.path}`, 403]);
      for (const v of variants(concrete(r.path))) {
        for (const who of ['card-worker', 'security-officer'] as const) {
          const res = await call<{ code: string }>(api.url, r.method, v, tokens.get(who), r.method === 'GET' ? undefined : {});
          expect([`${who} ${r.method} ${v}`, res.status]).toEqual([`${who} ${r.method} ${v}`, 404]);
        }
      }
    }
    // the same for the doors that check a password
    for (const v of variants('/api/v1/auth/reauth')) {
      const res = await call(api.url, 'POST', v, tokens.get('security-officer'), { password: 'x' });
      expect([v, res.status]).toEqual([v, 404]);
    }
  });

  it('login, re-authentication and password change share one lockout', async () => {
    const u = uniqueName('lockout');
    await createTestUser(u, ['help-desk']);
    const token = await loginAs(api.url, u);
    const wrong = { password: 'not the password at all' };
    for (let i = 0; i < 2; i++)
      expect((await call(api.url, 'POST', '/api/v1/auth/login', undefined, { username: u, ...wrong })).status).toBe(401);
    for (let i = 0; i < 2; i++) expect((await call(api.url, 'POST', '/api/v1/auth/reauth', token, wrong)).status).toBe(401);
    const pw = await call(api.url, 'POST', '/api/v1/users/me/password', token, {
      currentPassword: wrong.password,
      newPassword: 'a brand new long passphrase',
    });
    expect(pw.status).toBe(403);
    // five failures across the three doors: the account is locked, even for the right password
    const login = await call<{ code: string }>(api.url, 'POST', '/api/v1/auth/login', undefined, { username: u, password: TEST_PASSWORD });
    expect([login.status, login.body.code]).toEqual([423, 'auth.locked']);
    const reauth = await call<{ code: string }>(api.url, 'POST', '/api/v1/auth/reauth', token, { password: TEST_PASSWORD });
    expect([reauth.status, reauth.body.code]).toEqual([423, 'auth.locked']);
  });

  it('a WebSocket upgrade to any path but the channel is refused and its socket closed', async () => {
    const { request } = await import('node:http');
    const url = new URL(api.url);
    const answer = await new Promise<string>((resolve, reject) => {
      const req = request({
        host: url.hostname,
        port: url.port,
        path: '/api/v1/nowhere',
        headers: { connection: 'Upgrade', upgrade: 'websocket' },
      });
      req.on('response', (res) => resolve(`response ${res.statusCode}`));
      req.on('upgrade', () => resolve('upgraded'));
      req.on('error', reject);
      req.setTimeout(5000, () => resolve('left open'));
      req.end();
    });
    expect(answer).toBe('response 404');
  });

  it('a password an administrator set is changed at first log-in before anything else', async () => {
    const name = uniqueName('newcomer');
    const password = 'an initial password the admin chose';
    const made = await call(api.url, 'POST', '/api/v1/users', tokens.get('admin'), { username: name, displayName: 'New Comer', password });
    expect([made.status, made.body]).toEqual([201, expect.anything()]);
    const token = await loginAs(api.url, name, password);
    expect((await call(api.url, 'GET', '/api/v1/auth/me', token)).status).toBe(200);
    const blocked = await call<{ code: string }>(api.url, 'POST', '/api/v1/auth/reauth', token, { password });
    expect([blocked.status, blocked.body.code]).toEqual([403, 'auth.password-change-required']);
    const changed = await call(api.url, 'POST', '/api/v1/users/me/password', token, {
      currentPassword: password,
      newPassword: 'a passphrase only the holder knows',
    });
    expect(changed.status).toBe(204);
    expect((await call(api.url, 'POST', '/api/v1/auth/reauth', token, { password: 'a passphrase only the holder knows' })).status).toBe(
      200,
    );
  });
});
