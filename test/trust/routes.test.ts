import type { Role } from '@scm/db';
import { ROLES } from '@scm/db';
import type { ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AuthGuard, SessionService, API_CONFIG, routeTable, type RouteInfo, CLOCK } from '../../apps/issuer-api/src';
import { generateKeyPairSync, sign } from 'node:crypto';
import { workerAuthMessage } from '@scm/common';
import { call, createTestUser, enrollmentToken, loginAs, startApi, uniqueName, type RunningApi } from '@scm/test-kit';

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
});
