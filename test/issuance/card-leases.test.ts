import 'reflect-metadata';
import { createCipheriv, randomBytes } from 'node:crypto';
import { appDb, call, closeOpenCardWork, runCli, startApi, type RunningApi } from '@scm/test-kit';
import type { Client } from 'pg';
import WebSocket from 'ws';

/** The factory-default management key of the software test cards (development stock). */
const WELL_KNOWN_KEY = Buffer.from('010203040506070801020304050607080102030405060708', 'hex');
import { cardholders, officer, people, waitFor, workerFixture, type Officer, type TestWorker } from './support';

const ATR = '3BF81300008131FE15597562696B65793479';
const READER = 'Virtual PCD 00 00';
type Lease = { lease: { requestId: string; bound: boolean; expiresAt: string } | null; code?: string };
type Problem = { code?: string; detail?: string };

/**
 * Trust the card, not the workstation: card jobs are leased by the API to one worker, workstation
 * and card; claims outside a lease, takeovers of a request bound to another worker and bursts of
 * claims are refused and audited; a worker that keeps making them is suspended; only an officer
 * moves a bound request; a revoked worker is cut off at once, on its open channel too.
 */
describe('card job leases and the claims they allow', () => {
  let api: RunningApi;
  let off: Officer;
  let db: Client;
  let a: TestWorker;
  let b: TestWorker;
  let r1: string;
  let r2: string;
  let r3: string;

  const lease = (w: TestWorker, serial: string, reader = READER, to = api) =>
    call<Lease>(to.url, 'POST', '/api/v1/worker/personalisation/leases', w.token, { reader, serial, atr: ATR });
  /**
   * The card's proof of its transport key (docs/stock.md), played by the test for a software card of
   * the factory-default development stock: the HSM's challenge, answered with the well-known key.
   */
  const cardProof = async (w: TestWorker, requestId: string, serial: string) => {
    const ecb = (data: Buffer) => {
      const c = createCipheriv('des-ede3-ecb', WELL_KNOWN_KEY, null).setAutoPadding(false);
      return Buffer.concat([c.update(data), c.final()]);
    };
    const r = await call<{ proofId?: string; challenge?: string }>(api.url, 'POST', '/api/v1/worker/stock/proofs', w.token, {
      requestId,
      serial,
      algorithm: '3des',
      encryptedWitness: ecb(randomBytes(8)).toString('base64'),
    });
    return r.body.proofId && r.body.challenge
      ? { proofId: r.body.proofId, response: ecb(Buffer.from(r.body.challenge, 'base64')).toString('base64') }
      : undefined;
  };
  const claim = async (w: TestWorker, requestId: string, serial: string) => {
    const proof = await cardProof(w, requestId, serial);
    return call<Problem & { requestId?: string; resumed?: boolean }>(api.url, 'POST', '/api/v1/worker/personalisation/claims', w.token, {
      requestId,
      serial,
      atr: ATR,
      ...(proof ? { proof } : {}),
    });
  };
  const denials = async (action: string, workerId: string) =>
    (
      await db.query<{ reason: string; target_id: string }>(
        `SELECT details->>'reason' AS reason, target_id FROM audit_event WHERE action = $1 AND outcome = 'denied' AND details->>'workerId' = $2 ORDER BY entry`,
        [action, workerId],
      )
    ).rows;
  const request = async (id: string) =>
    (
      await db.query<{ state: string; worker_id: string | null; card_id: string | null }>(
        `SELECT state, worker_id, card_id FROM issuance_request WHERE id = $1`,
        [id],
      )
    ).rows[0];

  beforeAll(async () => {
    // Earlier files' open requests would be leased first (oldest first).
    await closeOpenCardWork();
    api = await startApi({ SCM_CLAIMS_PER_MINUTE: '4', SCM_WORKER_SUSPEND_AFTER_REFUSED_CLAIMS: '3' });
    off = await officer(api);
    db = await appDb();
    [a, b] = [await workerFixture(), await workerFixture()];
    const ids = await cardholders(api, off.token, people(3));
    const post = async (cardholder: string) =>
      (await call<{ id: string }>(api.url, 'POST', '/api/v1/issuance-requests', off.token, { cardholder })).body.id;
    r1 = await post(ids[0]);
    r2 = await post(ids[1]);
    r3 = await post(ids[2]);
    for (const id of [r1, r2, r3]) await waitFor(id, async () => ((await request(id)).state === 'awaiting-card' ? true : undefined));
  }, 120_000);
  afterAll(async () => {
    await db?.end();
    await api?.close();
    off?.cleanup();
  });

  it('refuses (audited) a claim the worker was not leased, by another worker or for another card; accepts the claim within the lease', async () => {
    const unleased = await claim(a, r1, '5100001');
    expect([unleased.status, unleased.body.code]).toEqual([409, 'personalisation.not-leased']);

    const given = await lease(a, '5100001');
    expect(given.status).toBe(200);
    expect(given.body.lease).toMatchObject({ requestId: r1, bound: false });
    // The lease holds the request: another worker's blank card gets the next one.
    expect((await lease(b, '5200002')).body.lease?.requestId).toBe(r2);

    const other = await claim(b, r1, '5100001');
    expect([other.status, other.body.code]).toEqual([409, 'personalisation.not-leased']);
    const otherCard = await claim(a, r1, '5199999');
    expect([otherCard.status, otherCard.body.code]).toEqual([409, 'personalisation.not-leased']);
    expect(await request(r1)).toMatchObject({ state: 'awaiting-card', card_id: null });

    const ok = await claim(a, r1, '5100001');
    expect(ok.status).toBe(200);
    expect(await request(r1)).toMatchObject({ state: 'personalising', worker_id: a.id });
    expect((await denials('personalisation.claim', a.id)).map((d) => d.reason)).toEqual([
      'personalisation.not-leased',
      'personalisation.not-leased',
    ]);
    expect((await denials('personalisation.claim', b.id)).map((d) => d.reason)).toEqual(['personalisation.not-leased']);
  });

  it('refuses another worker the request bound to a card (no takeover); an officer reassigns it with bin/scm, audited', async () => {
    const refusedLease = await lease(b, '5100001', 'Virtual PCD 00 01');
    expect([refusedLease.status, refusedLease.body.code]).toEqual([409, 'personalisation.bound-to-another-worker']);
    expect((await denials('personalisation.lease', b.id)).map((d) => [d.reason, d.target_id])).toEqual([
      ['personalisation.bound-to-another-worker', r1],
    ]);
    expect(await request(r1)).toMatchObject({ state: 'personalising', worker_id: a.id });

    const fp = (await db.query<{ fingerprint: string }>(`SELECT fingerprint FROM card_worker WHERE id = $1`, [b.id])).rows[0].fingerprint;
    const cli = await runCli(['request', 'reassign', r1, '--worker', fp.slice(0, 20), '--reason', 'workstation 0 is out of order'], {
      env: off.cliEnv,
    });
    expect({ code: cli.code, stderr: cli.stderr }).toEqual({ code: 0, stderr: '' });
    expect(cli.stdout).toContain(`${r1}: awaiting-card`);
    expect(await request(r1)).toMatchObject({ state: 'awaiting-card', worker_id: b.id });
    const audited = await db.query(`SELECT details FROM audit_event WHERE action = 'personalisation.reassigned' AND target_id = $1`, [r1]);
    expect(audited.rows.map((r) => r.details)).toEqual([
      expect.objectContaining({ from: a.id, to: b.id, serial: '5100001', interrupted: true, reason: 'workstation 0 is out of order' }),
    ]);

    // The old worker is out: its next call on the request is refused.
    const late = await call(api.url, 'POST', `/api/v1/worker/personalisation/${r1}/verification`, a.token);
    expect(late.status).toBeGreaterThanOrEqual(400);
    expect(late.status).toBeLessThan(500);
    // The new one resumes it once the card is in one of its readers.
    expect((await lease(b, '5100001', 'Virtual PCD 00 01')).body.lease).toMatchObject({ requestId: r1, bound: true });
    const resumed = await claim(b, r1, '5100001');
    expect([resumed.status, resumed.body.resumed]).toEqual([200, true]);
    expect(await request(r1)).toMatchObject({ state: 'personalising', worker_id: b.id });

    // Reassigning needs an officer; a refused reassign is audited too.
    expect(
      (await call(api.url, 'POST', `/api/v1/issuance-requests/${r1}/reassign`, b.token, { workerId: a.id, reason: 'mine' })).status,
    ).toBe(403);
    const notBound = await call<Problem>(api.url, 'POST', `/api/v1/issuance-requests/${r2}/reassign`, off.token, {
      workerId: a.id,
      reason: 'no card yet',
    });
    expect([notBound.status, notBound.body.code]).toEqual([409, 'personalisation.not-in-flight']);
  });

  it('refuses claims over the per-minute limit (429, audited)', async () => {
    const d = await workerFixture();
    const serial = '5300003';
    expect((await lease(d, serial)).body.lease).toMatchObject({ requestId: r3, bound: false });
    // Resuming its own bound card is a valid claim each time; the fifth within a minute is one too many.
    const codes: Array<[number, string | undefined]> = [];
    for (let i = 0; i < 5; i++) {
      await lease(d, serial);
      const r = await claim(d, r3, serial);
      codes.push([r.status, r.body.code]);
    }
    expect(codes).toEqual([
      [200, undefined],
      [200, undefined],
      [200, undefined],
      [200, undefined],
      [429, 'personalisation.claim-rate-exceeded'],
    ]);
    expect((await denials('personalisation.claim', d.id)).map((x) => x.reason)).toEqual(['personalisation.claim-rate-exceeded']);
  });

  it('suspends a worker that keeps claiming what it was not leased: its session ends, bin/scm worker list shows it, an officer approves it again', async () => {
    const c = await workerFixture();
    const codes = [];
    for (let i = 0; i < 3; i++) codes.push((await claim(c, r2, `54000${i}`)).body.code);
    expect(codes).toEqual(['personalisation.not-leased', 'personalisation.not-leased', 'personalisation.not-leased']);
    const alarm = await db.query(`SELECT details FROM audit_event WHERE action = 'worker.suspended' AND target_id = $1`, [c.id]);
    expect(alarm.rows.map((r) => r.details)).toEqual([
      expect.objectContaining({ reason: 'refused-claims', refusedClaims: 3, threshold: 3 }),
    ]);
    // Its session ended with the suspension.
    expect((await lease(c, '5400009')).status).toBe(401);
    const list = await runCli(['worker', 'list'], { env: off.cliEnv });
    expect(list.stdout.split('\n').find((l) => l.startsWith(c.id))).toContain('suspended (refused-claims)');
    const fp = (await db.query<{ fingerprint: string }>(`SELECT fingerprint FROM card_worker WHERE id = $1`, [c.id])).rows[0].fingerprint;
    const again = await call<{ status: string }>(api.url, 'POST', `/api/v1/workers/${c.id}/approve`, off.token, { fingerprint: fp });
    expect([again.status, again.body.status]).toEqual([200, 'approved']);
  });

  it('cuts off a revoked worker at once: HTTP and its open channel, even when revoked through another API replica', async () => {
    const e = await workerFixture();
    const ws = new WebSocket(`${api.url.replace(/^http/, 'ws')}/api/v1/workers/channel`, {
      headers: { authorization: `Bearer ${e.token}` },
    });
    const closed = new Promise<{ code: number; at: number }>((resolve) => ws.on('close', (code) => resolve({ code, at: Date.now() })));
    await new Promise<void>((resolve, reject) => {
      ws.on('message', (m) => (JSON.parse(m.toString()).type === 'welcome' ? resolve() : undefined));
      ws.on('error', reject);
    });
    const replica = await startApi();
    try {
      expect((await call(replica.url, 'POST', `/api/v1/workers/${e.id}/revoke`, off.token)).status).toBe(200);
    } finally {
      await replica.close();
    }
    // This replica holds the channel and was not told: the next message is checked against the session.
    const sent = Date.now();
    ws.send(JSON.stringify({ type: 'readers', host: 'h', readers: [] }));
    const c = await closed;
    expect(c.code).toBe(4403);
    expect(c.at - sent).toBeLessThan(5000);
    expect((await lease(e, '5500001')).status).toBe(401);
    expect((await db.query(`SELECT 1 FROM audit_event WHERE action = 'worker.revoked' AND target_id = $1`, [e.id])).rowCount).toBe(1);
    // The refused message is audited (just after the channel closed).
    const refused = await waitFor('the refused message audited', async () => {
      const r = await db.query(
        `SELECT actor, details FROM audit_event WHERE action = 'worker.channel' AND outcome = 'denied' AND target_id = $1`,
        [e.id],
      );
      return r.rowCount ? r : undefined;
    });
    expect(refused.rows).toEqual([
      { actor: `worker:${e.id}`, details: expect.objectContaining({ reason: 'session-ended', message: 'readers' }) },
    ]);
  });
});
