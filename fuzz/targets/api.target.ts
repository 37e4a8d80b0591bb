import { generateKeyPairSync, sign } from 'node:crypto';
import fc from 'fast-check';
import { ROLES } from '@scm/db';
import { workerAuthMessage } from '@scm/common';
import { routeTable } from '../../apps/issuer-api/src';
import {
  applyTestEnv,
  approveWorker,
  call,
  createTestUser,
  enrollmentToken,
  loginAs,
  reauth,
  startApi,
  uniqueName,
  type RunningApi,
} from '../../test/kit';
import { requestsFor, type ApiRequest, type Components, type RouteSpec, type Schema } from '../api/requests';
import { text, utf8 } from '../harness/frames';
import { defineTarget, oracle } from '../harness/target';

interface ApiState {
  api: RunningApi;
  routes: RouteSpec[];
  components: Components;
  tokens: Map<string, string>;
  users: Map<string, string>;
}

const ANSWER_MS = 15_000;

async function session(api: RunningApi, username: string): Promise<string> {
  const token = await loginAs(api.url, username);
  await reauth(api.url, token);
  return token;
}

/** A worker session by the protocol: register with an enrolment token, approval by a second officer, signed challenge. */
async function workerToken(api: RunningApi, officer: string, approver: string): Promise<string> {
  const s = generateKeyPairSync('ed25519');
  const k = generateKeyPairSync('x25519');
  const reg = await call<{ id: string; fingerprint: string }>(api.url, 'POST', '/api/v1/workers/register', undefined, {
    enrollmentToken: await enrollmentToken(api, officer, 0),
    name: 'fuzz',
    host: 'fuzz',
    workstation: 0,
    signPublicKey: s.publicKey.export({ format: 'der', type: 'spki' }).toString('base64'),
    kexPublicKey: k.publicKey.export({ format: 'der', type: 'spki' }).toString('base64'),
  });
  await approveWorker(api, approver, reg.body.fingerprint);
  const { body } = await call<{ nonce: string }>(api.url, 'POST', '/api/v1/workers/challenge', undefined, { workerId: reg.body.id });
  const signature = sign(null, workerAuthMessage(reg.body.id, body.nonce), s.privateKey).toString('base64');
  const r = await call<{ token: string }>(api.url, 'POST', '/api/v1/workers/session', undefined, {
    workerId: reg.body.id,
    nonce: body.nonce,
    signature,
  });
  return r.body.token;
}

/** The OpenAPI path of an Express-style path (/cards/:id -> /cards/{id}). */
const openApiPath = (p: string): string => p.replace(/:([A-Za-z0-9_]+)/g, '{$1}');

/** Sends one request; the answer must come within ANSWER_MS and must not be a 5xx. */
export async function send(s: ApiState, r: ApiRequest): Promise<{ status: number; text: string }> {
  const token = s.tokens.get(r.as);
  const url = `${s.api.url}${r.path}${r.query ? `?${r.query}` : ''}`;
  let res: Response;
  try {
    res = await fetch(url, {
      method: r.method,
      headers: {
        ...(r.body !== undefined ? { 'content-type': r.form ? 'application/x-www-form-urlencoded' : 'application/json' } : {}),
        ...(token ? { authorization: `Bearer ${token}` } : {}),
      },
      body: r.body,
      signal: AbortSignal.timeout(ANSWER_MS),
    });
  } catch (e) {
    const err = e as Error;
    // A path fetch itself refuses (a malformed URL) is not the server's fault.
    if (err.name === 'TypeError' && /Invalid URL|URL/.test(err.message)) return { status: 0, text: '' };
    oracle(false, `${r.method} ${r.path}: no answer within ${ANSWER_MS} ms (${err.message})`, `hang:${r.method} ${routeOf(s, r)}`);
  }
  const body = await res.text();
  return { status: res.status, text: body };
}

/** The route a request was made for (its template), for grouping findings. */
function routeOf(s: ApiState, r: ApiRequest): string {
  const parts = r.path.split('/');
  const hit = s.routes.find((x) => {
    const t = x.path.split('/');
    return x.method === r.method && t.length === parts.length && t.every((p, i) => p.startsWith(':') || p === parts[i]);
  });
  return hit?.path ?? r.path;
}

/**
 * Every route of the issuer API, in this process, on the test database (the sandbox's, with
 * scripts/dev-sandbox): schema-shaped and sabotaged JSON bodies, odd path parameters and query
 * strings, with tokens of each role, a worker's and none. A 5xx or no answer is a finding.
 */
export const apiRoutes = defineTarget<ApiState>({
  name: 'api-routes',
  about: 'issuer API: every route (body, query, path params) with each role, in process on the test stack',
  budgetMs: ANSWER_MS,
  inProcess: true,
  setup: async () => {
    applyTestEnv();
    if (process.env.JEST_WORKER_ID === undefined) {
      // Outside jest nobody provisioned the test database and HSM token: do what jest's global set-up does.
      const setup = (await import('../../test/kit/global-setup')).default;
      await setup();
    }
    const api = await startApi({ SCM_OPENAPI: '1', SCM_LOG_LEVEL: 'silent' });
    const doc = (await (await fetch(`${api.url}/api/docs-json`)).json()) as {
      paths: Record<string, Record<string, { requestBody?: { content?: Record<string, { schema?: Schema }> } }>>;
      components?: { schemas?: Components };
    };
    const routes: RouteSpec[] = routeTable(api.app).map((r) => {
      const op = doc.paths[openApiPath(r.path)]?.[r.method.toLowerCase()];
      const body = op?.requestBody?.content?.['application/json']?.schema;
      const roles = r.access?.kind === 'roles' ? [...r.access.roles] : r.access?.kind === 'worker' ? ['worker'] : ROLES.map(String);
      return { method: r.method, path: r.path, roles, ...(body ? { body } : {}) };
    });
    const tokens = new Map<string, string>();
    const users = new Map<string, string>();
    for (const role of ROLES) {
      const name = uniqueName(`fuzz-${role}`);
      await createTestUser(name, [role]);
      users.set(role, name);
      tokens.set(role, await session(api, name));
    }
    const second = uniqueName('fuzz-officer-2');
    await createTestUser(second, ['security-officer']);
    tokens.set('worker', await workerToken(api, tokens.get('security-officer')!, await session(api, second)));
    return { api, routes, components: doc.components?.schemas ?? {}, tokens, users };
  },
  inputs: (s) =>
    fc
      .nat({ max: s.routes.length - 1 })
      .chain((i) => requestsFor(s.routes[i], s.components, [...s.tokens.keys()]))
      .map((r) => utf8(JSON.stringify(r))),
  run: async (s, b) => {
    const r = JSON.parse(text(b)) as ApiRequest;
    const res = await send(s, r);
    const route = `${r.method} ${routeOf(s, r)}`;
    oracle(res.status < 500, `${route}: HTTP ${res.status} ${res.text.slice(0, 300)}`, `5xx:${route}`);
    // A token this request ended (logout) is made again, so later requests still pass the guard.
    if (s.users.has(r.as) && /\/auth\/logout$/.test(r.path) && res.status < 300)
      s.tokens.set(r.as, await session(s.api, s.users.get(r.as)!));
  },
  expected: () => false,
  teardown: async (s) => {
    await s.api.close();
  },
});
