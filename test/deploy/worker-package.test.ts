import { execFile, execFileSync } from 'node:child_process';
import { promisify } from 'node:util';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { call, createTestUser, loginAs, testWorkstations, uniqueName } from '@scm/test-kit';
import { testReader } from '../card-engine/support';
import { blankCard, insert, remove, type TestCard } from '../card-engine/test-cards';
import { cardholders, issueBatch, type Stack, startStack, waitForRequests } from '../personalisation/support';
import { ROOT, type Spawned, spawnLogged } from './support';

/**
 * `npm run package:worker` builds the card worker as an archive for a workstation; installed into an
 * empty directory (install.sh --prefix) it runs from there alone — its own node_modules, its
 * launcher reading its config file — against the running stack and a virtual reader: it enrols,
 * an officer approves it, and it personalises a software card.
 */
const run = promisify(execFile);

describe('the card worker package (npm run package:worker)', () => {
  let out: string;
  let prefix: string;
  let archive: string;
  let s: Stack;
  let worker: Spawned | undefined;
  let card: TestCard | undefined;

  beforeAll(async () => {
    out = mkdtempSync(join(tmpdir(), 'scm-package-out-'));
    prefix = mkdtempSync(join(tmpdir(), 'scm-workstation-'));
    execFileSync('npm', ['run', '--silent', 'package:worker', '--', '--out', out], { cwd: ROOT, stdio: 'pipe' });
    archive = join(
      out,
      readdirSync(out).find((f) => f.endsWith('.tar.gz'))!,
    );
    s = await startStack([], { ownProcess: true });
  }, 180_000);

  afterAll(async () => {
    await worker?.stop();
    if (card) await remove(card).catch(() => undefined);
    await s?.close();
    rmSync(out, { recursive: true, force: true });
    rmSync(prefix, { recursive: true, force: true });
  });

  it('is an archive with the worker, its production node_modules, a launcher, a config file, a systemd unit', () => {
    const list = execFileSync('tar', ['-tzf', archive], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 }).split('\n');
    const top = list[0].split('/')[0];
    expect(top).toMatch(new RegExp(`^scm-card-worker-[0-9.]+-linux-${process.arch}-node${process.versions.node.split('.')[0]}$`));
    for (const f of [
      'install.sh',
      'bin/scm-card-worker',
      'etc/worker.env.example',
      'systemd/scm-card-worker.service',
      'package.json',
      'dist/apps/card-worker/src/main.js',
      'node_modules/pcsclite/package.json',
      'node_modules/ws/package.json',
    ])
      expect(list).toContain(`${top}/${f}`);
    // The runtime it needs is stated: Node.js of the major it was built with (its native modules).
    const pj = JSON.parse(execFileSync('tar', ['-xzOf', archive, `${top}/package.json`], { encoding: 'utf8' })) as {
      engines: { node: string };
    };
    expect(pj.engines.node).toBe(`${process.versions.node.split('.')[0]}.x`);
    const unit = execFileSync('tar', ['-xzOf', archive, `${top}/systemd/scm-card-worker.service`], { encoding: 'utf8' });
    expect(unit).toContain('ExecStart=/opt/scm-card-worker/bin/scm-card-worker --config /etc/scm-card-worker/worker.env');
    // Not the server: no issuer API, no dev tooling.
    expect(list.some((f) => f.includes('/dist/apps/issuer-api/'))).toBe(false);
    expect(list.some((f) => /\/node_modules\/(jest|typescript|@swc|eslint)\//.test(f))).toBe(false);
  });

  it('installs into an empty directory and, from there alone, enrols, is approved and personalises a card', async () => {
    const unpack = mkdtempSync(join(tmpdir(), 'scm-unpack-'));
    try {
      // Asynchronously: the test's HTTP connections to the API must stay served meanwhile.
      await run('tar', ['-xzf', archive, '-C', unpack]);
      const dir = join(unpack, readdirSync(unpack)[0]);
      await run(join(dir, 'install.sh'), ['--prefix', prefix, '--no-systemd']);
    } finally {
      rmSync(unpack, { recursive: true, force: true });
    }
    const app = join(prefix, 'opt', 'scm-card-worker');
    const config = join(prefix, 'etc', 'scm-card-worker', 'worker.env');
    expect(statSync(config).mode & 0o077).toBe(0);
    expect(existsSync(join(app, 'node_modules', 'pcsclite'))).toBe(true);

    const ws = testWorkstations()[3];
    const token = await call<{ token: string }>(s.api.url, 'POST', '/api/v1/workers/enrollment-tokens', s.token, { workstation: ws.id });
    expect(token.status).toBe(201);
    // What an operator writes into the config file at the workstation.
    const lines = readFileSync(config, 'utf8')
      .split('\n')
      .filter((l) => !/^(SCM_API_URL|SCM_ENROLLMENT_TOKEN|SCM_WORKSTATION|SCM_STATE_DIR)=/.test(l));
    lines.push(
      `SCM_API_URL=${s.api.url}`,
      `SCM_ENROLLMENT_TOKEN=${token.body.token}`,
      `SCM_WORKSTATION=${ws.id}`,
      `SCM_STATE_DIR=${join(prefix, 'var', 'lib', 'scm-card-worker')}`,
      `PCSCLITE_CSOCK_NAME=${ws.socket}`,
      'SCM_HEARTBEAT_MS=1000',
    );
    writeFileSync(config, `${lines.join('\n')}\n`);

    // Started as the systemd unit starts it, with an environment that holds nothing of SCM's, and
    // no way into this checkout: NODE_PATH empty, working directory the installation.
    worker = spawnLogged(join(app, 'bin', 'scm-card-worker'), ['--config', config], { PATH: process.env.PATH, HOME: prefix });
    const fp = (await worker.waitForLog(/"fingerprint":"([0-9A-F-]+)".*waiting for an officer to approve/))[1];
    // Approved by a second officer (not the one who made the token).
    const second = uniqueName('officer');
    await createTestUser(second, ['security-officer']);
    const approver = await loginAs(s.api.url, second);
    const list = await call<Array<{ id: string; fingerprint: string }>>(s.api.url, 'GET', '/api/v1/workers', approver);
    const w = list.body.find((x) => x.fingerprint === fp)!;
    const ok = await call(s.api.url, 'POST', `/api/v1/workers/${w.id}/approve`, approver, { fingerprint: fp });
    expect(ok.status).toBe(200);
    await worker.waitForLog(/"msg":"channel to the API open"/);
    // Every module it loaded came from the installation.
    expect(worker.log()).not.toContain(ROOT);

    const [holder] = await cardholders(s, 1);
    const batch = await issueBatch(s, [holder]);
    await waitForRequests(s.db, batch.requestIds, ['awaiting-card'], 60_000);
    card = blankCard();
    await insert(card, testReader(ws.id, 0));
    const [row] = await waitForRequests(s.db, batch.requestIds, ['issued', 'failed'], 90_000).catch((e: Error) => {
      throw new Error(`${e.message}\nworker:\n${worker!.log().slice(-4000)}`);
    });
    expect({ state: row.state, failure: row.failure, serial: row.serial }).toEqual({ state: 'issued', failure: null, serial: card.serial });
  });
});
