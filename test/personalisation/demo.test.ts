import { spawn } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { call, testEnv } from '@scm/test-kit';
import { testReader, waitForCard } from '../card-engine/support';
import { cardholders, type Stack, startStack, waitForRequests } from './support';

const ROOT = join(__dirname, '..', '..');

/**
 * The state directory the demo sees: the test sandbox's (workstation table, HSM PIN file), with
 * each test worker's activation socket where `scm activate` looks for it (<dir>/worker/wsN.…).
 */
function demoStateDir(s: Stack): string {
  const dir = mkdtempSync(join(tmpdir(), 'scm-demo-state-'));
  copyFileSync(join(testEnv.SCM_STATE_DIR, 'workstations.json'), join(dir, 'workstations.json'));
  symlinkSync(join(testEnv.SCM_STATE_DIR, 'hsm'), join(dir, 'hsm'));
  mkdirSync(join(dir, 'worker'));
  for (const [ws, w] of s.workers) {
    const socket = `ws${ws}.activation.sock`;
    symlinkSync(join(w.stateDir, 'worker', socket), join(dir, 'worker', socket));
  }
  return dir;
}

/** Runs scripts/demo.js (what `npm run demo` runs after setup) against this stack; never rejects. */
function runDemo(apiUrl: string, stateDir: string): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [join(ROOT, 'scripts', 'demo.js')], {
      env: { ...process.env, ...testEnv, SCM_STATE_DIR: stateDir, SCM_API_URL: apiUrl, FORCE_COLOR: '0' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 240_000);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, out });
    });
  });
}

/**
 * `npm run demo` from end to end on the real parts, using the running stack (the test's API and
 * approved workers on workstations 0 and 1): four cardholders, four blank cards, a batch issued,
 * one card activated, OpenSC signing with it and openssl verifying the signature.
 */
describe('npm run demo', () => {
  let s: Stack;
  let stateDir: string;
  beforeAll(async () => {
    s = await startStack([0, 1]);
    stateDir = demoStateDir(s);
  });
  afterAll(async () => {
    await s?.close();
    if (stateDir) rmSync(stateDir, { recursive: true, force: true });
  });

  it('issues a batch of four cards, activates one, and OpenSC signs with it (openssl verifies)', async () => {
    const { code, out } = await runDemo(s.api.url, stateDir);
    expect({ code, tail: out.slice(-3000) }).toEqual({ code: 0, tail: expect.stringContaining('== Done') });
    expect(out).toContain(`Using the running SCM at ${s.api.url}`);
    expect(out).toContain('workers online at workstation(s) 0, 1');
    expect(out).toContain('Verified OK');

    // The table the demo printed: four cards, each issued, one of them now active.
    const lines = out.split('\n');
    const head = lines.findIndex((l) => l.startsWith('SERIAL'));
    const rows = lines.slice(head + 1, head + 5).map((l) => l.trim().split(/\s{2,}/));
    expect(rows).toHaveLength(4);
    const serials = rows.map((r) => r[0]);
    for (const r of rows) expect(r[2]).toBe('issued');
    const cards = await s.db.query<{ serial: string; state: string }>(
      `SELECT serial, state FROM card WHERE serial = ANY($1) ORDER BY serial`,
      [serials],
    );
    expect(cards.rows.map((c) => c.state).sort()).toEqual(['active', 'issued', 'issued', 'issued']);
    const activated = /== Activation of card (\d+)/.exec(out)?.[1];
    expect(cards.rows.find((c) => c.state === 'active')?.serial).toBe(activated);

    // Nothing is left waiting for a card, and the demo took its cards out of the readers.
    const waiting = await s.db.query(`SELECT 1 FROM issuance_request WHERE state = 'awaiting-card'`);
    expect(waiting.rows).toHaveLength(0);
    for (const ws of [0, 1]) for (const i of [0, 1]) await waitForCard(testReader(ws, i), false);
  });

  it('refuses, saying what to do, when another request already waits for a card (it would take the demo’s cards)', async () => {
    const [holder] = await cardholders(s, 1);
    const r = await call<{ id: string }>(s.api.url, 'POST', '/api/v1/issuance-requests', s.token, { cardholder: holder });
    expect(r.status).toBe(201);
    await waitForRequests(s.db, [r.body.id], ['awaiting-card']);
    try {
      const { code, out } = await runDemo(s.api.url, stateDir);
      expect(code).toBe(1);
      expect(out).toContain('demo: 1 request(s) already wait for a card');
      expect(out).toContain('bin/scm request cancel ID');
      expect(out).not.toContain('Blank software cards');
    } finally {
      const c = await call(s.api.url, 'POST', `/api/v1/issuance-requests/${r.body.id}/cancel`, s.token, { reason: 'test over' });
      expect(c.status).toBe(200);
    }
  });
});
