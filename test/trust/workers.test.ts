import { generateKeyPairSync, sign } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';
import { workerAuthMessage } from '@scm/common';
import {
  call,
  createTestUser,
  enrollmentToken,
  loginAs,
  runCli,
  spawnWorker,
  startApi,
  TEST_PASSWORD,
  testWorkstations,
  uniqueName,
  type RunningApi,
} from '@scm/test-kit';

type WorkerView = { id: string; fingerprint: string; status: string; online?: boolean };

/** A worker speaking the protocol by hand, to probe what the API gives an unapproved one. */
function fakeWorker() {
  const s = generateKeyPairSync('ed25519');
  const k = generateKeyPairSync('x25519');
  return {
    signPublicKey: s.publicKey.export({ format: 'der', type: 'spki' }).toString('base64'),
    kexPublicKey: k.publicKey.export({ format: 'der', type: 'spki' }).toString('base64'),
    sign: (id: string, nonce: string) => sign(null, workerAuthMessage(id, nonce), s.privateKey).toString('base64'),
  };
}

function openChannel(url: string, token: string): Promise<{ code: number | 'open' }> {
  return new Promise((resolve) => {
    const ws = new WebSocket(`${url.replace(/^http/, 'ws')}/api/v1/workers/channel`, { headers: { authorization: `Bearer ${token}` } });
    ws.on('open', () => {
      ws.close();
      resolve({ code: 'open' });
    });
    ws.on('unexpected-response', (_q, res) => resolve({ code: res.statusCode ?? 0 }));
    ws.on('error', () => undefined);
  });
}

describe('card workers as enrolled machines (real API, PostgreSQL, worker process)', () => {
  let api: RunningApi;
  let officer: string;
  let officerName: string;
  // Separation of duties: the officer who makes a worker's enrolment token does not approve it.
  let approver: string;
  let approverName: string;

  beforeAll(async () => {
    api = await startApi();
    officerName = uniqueName('officer');
    await createTestUser(officerName, ['security-officer']);
    officer = await loginAs(api.url, officerName);
    approverName = uniqueName('approver');
    await createTestUser(approverName, ['security-officer']);
    approver = await loginAs(api.url, approverName);
  });
  afterAll(() => api.close());

  const logIn = async (id: string, w: ReturnType<typeof fakeWorker>) => {
    const { body } = await call<{ nonce: string }>(api.url, 'POST', '/api/v1/workers/challenge', undefined, { workerId: id });
    return call<{ token?: string; code?: string }>(api.url, 'POST', '/api/v1/workers/session', undefined, {
      workerId: id,
      nonce: body.nonce,
      signature: w.sign(id, body.nonce),
    });
  };

  it('registers once with a one-time token; an unapproved worker gets no session and no channel', async () => {
    const token = await enrollmentToken(api, officer, 1);
    const w = fakeWorker();
    const reg = await call<WorkerView>(api.url, 'POST', '/api/v1/workers/register', undefined, {
      enrollmentToken: token,
      name: 'probe',
      host: 'h',
      workstation: 1,
      ...w,
    });
    expect(reg.status).toBe(201);
    expect(reg.body.status).toBe('pending');
    const reuse = await call<{ code: string }>(api.url, 'POST', '/api/v1/workers/register', undefined, {
      enrollmentToken: token,
      name: 'probe2',
      host: 'h',
      workstation: 1,
      ...fakeWorker(),
    });
    expect([reuse.status, reuse.body.code]).toEqual([401, 'worker.bad-enrollment-token']);

    const s = await logIn(reg.body.id, w);
    expect([s.status, s.body.code, s.body.token]).toEqual([403, 'worker.not-approved', undefined]);
    // a forged signature never gets anything either
    const forged = await logIn(reg.body.id, fakeWorker());
    expect([forged.status, forged.body.code]).toEqual([401, 'worker.bad-signature']);
    expect((await openChannel(api.url, 'not-a-session')).code).toBe(401);
  });

  it('approves only against the registered fingerprint; then a session and a channel; revocation cuts both', async () => {
    const token = await enrollmentToken(api, officer, 1);
    const w = fakeWorker();
    const reg = await call<WorkerView>(api.url, 'POST', '/api/v1/workers/register', undefined, {
      enrollmentToken: token,
      name: 'probe',
      host: 'h',
      workstation: 1,
      ...w,
    });
    const byTokenMaker = await call<{ code: string }>(api.url, 'POST', `/api/v1/workers/${reg.body.id}/approve`, officer, {
      fingerprint: reg.body.fingerprint,
    });
    expect([byTokenMaker.status, byTokenMaker.body.code]).toEqual([403, 'worker.approver-made-token']);
    const wrongFp = await call<{ code: string }>(api.url, 'POST', `/api/v1/workers/${reg.body.id}/approve`, approver, {
      fingerprint: 'AB'.repeat(32),
    });
    expect([wrongFp.status, wrongFp.body.code]).toEqual([409, 'worker.fingerprint-mismatch']);
    const ok = await call<WorkerView>(api.url, 'POST', `/api/v1/workers/${reg.body.id}/approve`, approver, {
      fingerprint: reg.body.fingerprint,
    });
    expect(ok.body.status).toBe('approved');
    const s = await logIn(reg.body.id, w);
    expect(s.status).toBe(200);
    expect((await openChannel(api.url, s.body.token!)).code).toBe('open');
    // a worker session is not a user session
    expect((await call(api.url, 'GET', '/api/v1/workers', s.body.token)).status).toBe(403);

    await call(api.url, 'POST', `/api/v1/workers/${reg.body.id}/revoke`, officer);
    expect((await openChannel(api.url, s.body.token!)).code).toBe(401);
    expect((await logIn(reg.body.id, w)).body.code).toBe('worker.revoked');
  });

  it('enrols the real card-worker process, which waits until an officer approves it with bin/scm', async () => {
    const ws = testWorkstations()[3];
    const token = await enrollmentToken(api, officer, ws.id);
    const worker = spawnWorker(api, ws, { SCM_ENROLLMENT_TOKEN: token });
    const session = join(mkdtempSync(join(tmpdir(), 'scm-cli-')), 'session.json');
    const cliEnv = { SCM_API_URL: api.url, SCM_CLI_SESSION_FILE: session };
    try {
      await worker.waitForLog(/waiting for an officer to approve this worker/);
      const fp = /"fingerprint":"([0-9A-F-]+)"/.exec(worker.log())![1];
      // while pending: no channel, listed as pending and offline
      await new Promise((r) => setTimeout(r, 1500));
      expect(worker.log()).not.toMatch(/channel to the API open/);

      expect((await runCli(['login', '-u', approverName], { env: { ...cliEnv, SCM_PASSWORD: TEST_PASSWORD } })).code).toBe(0);
      const list = await runCli(['worker', 'list', '--json'], { env: cliEnv });
      const mine = (JSON.parse(list.stdout) as WorkerView[]).find((x) => x.fingerprint === fp)!;
      expect(mine).toMatchObject({ status: 'pending', online: false });

      const approve = await runCli(['worker', 'approve', fp], { env: cliEnv });
      expect(approve.stderr).toBe('');
      expect(approve.stdout).toMatch(/approved .* fingerprint/);
      await worker.waitForLog(/channel to the API open/);
      const after = (JSON.parse((await runCli(['worker', 'list', '--json'], { env: cliEnv })).stdout) as WorkerView[]).find(
        (x) => x.fingerprint === fp,
      )!;
      expect(after).toMatchObject({ status: 'approved', online: true });
    } finally {
      await worker.stop();
    }
  });
});
