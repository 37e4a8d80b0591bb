import type { Role } from '@scm/db';
import { ROLES } from '@scm/db';
import { routeTable, type RouteInfo } from '../../apps/issuer-api/src/http/route-table';
import { call, createTestUser, loginAs, startApi, uniqueName, type RunningApi } from '@scm/test-kit';

/** A concrete URL for a route pattern (the guard answers before parameters are parsed). */
const concrete = (path: string): string => path.replace(/:[A-Za-z]+/g, '00000000-0000-4000-8000-000000000000');

describe('every route declares who may call it, and it is enforced', () => {
  let api: RunningApi;
  let routes: RouteInfo[];
  const tokens = new Map<Role, string>();

  beforeAll(async () => {
    api = await startApi();
    routes = routeTable(api.app);
    for (const role of ROLES) {
      const u = uniqueName(role);
      await createTestUser(u, [role]);
      tokens.set(role, await loginAs(api.url, u));
    }
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

  it('answers 403 to every role a route does not allow, and never 401/403 to one it allows', async () => {
    let checked = 0;
    for (const r of routes.filter((x) => x.access?.kind === 'roles' || x.access?.kind === 'worker')) {
      const allowed = r.access!.kind === 'roles' ? (r.access as { roles: readonly Role[] }).roles : [];
      for (const role of ROLES) {
        const res = await call<{ code: string }>(
          api.url,
          r.method,
          concrete(r.path),
          tokens.get(role),
          r.method === 'GET' ? undefined : {},
        );
        const label = `${role} ${r.method} ${r.path}`;
        if (allowed.includes(role))
          expect([label, [401, 403].includes(res.status) && res.body?.code?.startsWith('auth.')]).toEqual([label, false]);
        else expect([label, res.status, res.body?.code]).toEqual([label, 403, 'auth.forbidden']);
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(40);
  });
});
