import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { runCli, startApi, testEnv, testWorkstations, type RunningApi } from '@scm/test-kit';

const ROOT = join(__dirname, '..', '..');

describe('start-up configuration', () => {
  // The API's Redis URL is a secret (hidden in the message); the card worker has no Redis setting.
  it.each([
    ['issuer-api', 'apps/issuer-api/src/main.js', 'SCM_REDIS_URL', 'SCM_REDIS_URL=(hidden) is not a URL'],
    ['card-worker', 'apps/card-worker/src/main.js', 'SCM_API_URL', 'SCM_API_URL="not a url" is not a URL'],
  ])('%s stops with a message naming the bad variable', (name, script, variable, message) => {
    const r = spawnSync(process.execPath, [join(ROOT, 'dist', script)], {
      env: { ...process.env, ...testEnv, [variable]: 'not a url', SCM_LOG_LEVEL: 'chatty' },
      encoding: 'utf8',
      timeout: 20000,
    });
    expect(r.status).toBe(78);
    expect(r.stderr).toContain(`${name}: Invalid configuration`);
    expect(r.stderr).toContain(message);
    expect(r.stderr).toContain('SCM_LOG_LEVEL="chatty" must be one of');
  });
});

describe('the API surface', () => {
  let api: RunningApi;
  beforeAll(async () => {
    api = await startApi();
  });
  afterAll(() => api.close());

  it('serves the OpenAPI document and its UI', async () => {
    const doc = (await (await fetch(`${api.url}/api/docs-json`)).json()) as { openapi: string; paths: Record<string, unknown> };
    expect(doc.openapi).toMatch(/^3\./);
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/health', '/api/v1/workstations', '/api/v1/auth/login']));
    const ui = await fetch(`${api.url}/api/docs`);
    expect(ui.status).toBe(200);
    expect(await ui.text()).toContain('swagger');
  });

  it('serves Prometheus metrics, counting requests', async () => {
    await fetch(`${api.url}/health`);
    const text = await (await fetch(`${api.url}/metrics`)).text();
    expect(text).toContain('scm_http_requests_total{method="GET",route="/health",status="200"}');
    expect(text).toContain('scm_api_process_cpu_seconds_total');
  });

  it('answers a malformed request with application/problem+json and echoes the request id', async () => {
    const res = await fetch(`${api.url}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-request-id': 'req-abc-123' },
      body: JSON.stringify({ username: 42, password: '', extra: true }),
    });
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(res.headers.get('x-request-id')).toBe('req-abc-123');
    const body = (await res.json()) as { status: number; code: string; detail: string; instance: string };
    expect(body).toMatchObject({ status: 400, code: 'api.invalid-request', instance: 'req-abc-123' });
    expect(body.detail).toMatch(/property extra should not exist/);
    expect(body.detail).toMatch(/username must be a string/);
    expect(body.detail).toMatch(/password must be longer than or equal to 1 characters/);
  });

  it('answers malformed JSON with a 400 problem, not a 500', async () => {
    const res = await fetch(`${api.url}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"username": ',
    });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { code: string }).code).toBe('api.invalid-request');
  });

  it('answers an unknown route with a problem body', async () => {
    const res = await fetch(`${api.url}/api/v1/nothing-here`);
    expect(res.status).toBe(404);
    expect(((await res.json()) as { code: string }).code).toBe('api.not-found');
  });
});

describe('bin/scm readers', () => {
  it('--all --json lists the two readers of each of the four workstations', async () => {
    const r = await runCli(['readers', '--all', '--json']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const list = JSON.parse(r.stdout) as Array<{ workstation: number; name: string; cardPresent: boolean }>;
    expect(list).toHaveLength(8);
    expect(list.map((x) => `${x.workstation}/${x.name}`)).toEqual(
      testWorkstations().flatMap((w) => [`${w.id}/Virtual PCD 00 00`, `${w.id}/Virtual PCD 00 01`]),
    );
  });

  it('--help lists the commands', async () => {
    const r = await runCli(['--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/readers/);
    expect(r.stdout).toMatch(/health/);
  });
});
