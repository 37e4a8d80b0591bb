import { generateKeyPairSync, sign, X509Certificate } from 'node:crypto';
import { workerAuthMessage } from '@scm/common';
import { SoftPivBackend } from '@scm/card-engine';
import { OBJECT, SLOT } from '@scm/piv';
import { call, enrollmentToken, reauth, runCli, spawnWorker, testWorkstations } from '@scm/test-kit';
import {
  assertNoCardholderKeyUnderWellKnownKey,
  blankCard,
  diagnose,
  directSession,
  insert,
  insertPulling,
  remove,
  requests,
  respawnWorker,
  sleep,
  type Stack,
  startStack,
  testReader,
  waitFor,
  waitForRequests,
  oneWaitingRequest,
} from './support';

/**
 * Faults on the real parts (workstation 2: its pcscd, two vpcd readers, software cards): a card
 * pulled out at a chosen APDU, a card abandoned and spoiled, a worker killed mid-job, an
 * unapproved worker and a worker that did not claim the card. Every request ends issued, waiting
 * for its card, or failed with a reason; no request ever has two cards; an escrowed key reaches a
 * card only from a committed escrow version.
 */
const LONG = process.env.SCM_LONG_TESTS === '1';
// APDUs counted from insertion: ~8 for the worker's inspection and the claim's transport key, then
// the management key (about APDU 11-13), retries, PUK and PIN, and from about APDU 20 the keys,
// certificates and objects; under 40 in all. The long run pulls the card at every one of them until
// a card is issued without being pulled; the short one just after the management key is set, and
// just after the first key is imported.
const PULL_POINTS = LONG ? Array.from({ length: 60 }, (_, i) => i + 3) : [12, 21, 24];
const WS = 2;
const R0 = testReader(WS, 0);
const R1 = testReader(WS, 1);

describe('personalisation faults', () => {
  let s: Stack;

  beforeAll(async () => {
    s = await startStack([WS]);
  }, 120_000);

  afterAll(async () => {
    await s?.close();
  });

  const oneRequest = (): Promise<string> => oneWaitingRequest(s);

  /**
   * Invariant 1 on one card: every release of its request's key material (what the worker imports)
   * came from a VSC version whose escrow was committed before the release.
   */
  async function escrowedBeforeCard(serial: string): Promise<void> {
    const r = await s.db.query<{ at: Date; escrowed_at: Date | null }>(
      `SELECT a.at, vv.escrowed_at FROM card k
         JOIN audit_event a ON a.target_id = k.request_id::text AND a.action = 'issuance-request.key-material-released' AND a.outcome = 'success'
         JOIN vsc_version vv ON vv.vsc_id = (a.details->>'vscId')::uuid AND vv.version = (a.details->>'vscVersion')::int
        WHERE k.serial = $1`,
      [serial],
    );
    expect(r.rowCount).toBeGreaterThan(0);
    for (const row of r.rows) expect(row.escrowed_at!.getTime()).toBeLessThanOrEqual(row.at.getTime());
  }

  it(
    'a card pulled out at a chosen APDU never holds cardholder keys under a well-known key; its request waits for it; put back, it is issued on it',
    async () => {
      const held = new Map<number, string[]>();
      let pastTheEnd: number | undefined;
      for (const pullAt of PULL_POINTS) {
        const requestId = await oneRequest();
        const c = blankCard();
        const { pulled } = await insertPulling(c, R0, pullAt);
        // Past the attempt's last APDU the card is issued without a pull: every later index is too.
        let settled = false;
        const issuedFirst = (async () => {
          while (!settled) {
            if ((await requests(s.db, [requestId]))[0].state === 'issued') return true;
            await sleep(200);
          }
          return false;
        })();
        const unpulled = await Promise.race([pulled.then(() => false), issuedFirst]);
        settled = true;
        if (unpulled) {
          await remove(c);
          pastTheEnd = pullAt;
          break;
        }
        // Whatever the card holds of the cardholder's, the factory management key no longer opens it.
        held.set(pullAt, await assertNoCardholderKeyUnderWellKnownKey(c, `pulled at APDU ${pullAt}`));
        const waiting = await waitFor(
          `request ${requestId} to wait after a pull at APDU ${pullAt}`,
          async () => {
            const [r] = await requests(s.db, [requestId]);
            return r.state === 'awaiting-card' ? r : undefined;
          },
          30_000,
        );
        // Before the claim nothing is bound; after it the request waits for this very card.
        if (waiting.card_id) expect([waiting.serial, waiting.card_state]).toEqual([c.serial, 'personalising']);
        // Another blank card does not take a request bound to a card.
        let other: ReturnType<typeof blankCard> | undefined;
        if (waiting.card_id) {
          other = blankCard();
          await insert(other, R1);
          await sleep(3000);
          expect((await requests(s.db, [requestId]))[0]).toMatchObject({ state: 'awaiting-card', serial: c.serial });
          expect((await s.db.query(`SELECT 1 FROM card WHERE serial = $1`, [other.serial])).rowCount).toBe(0);
        }
        await insert(c, R0);
        try {
          const [done] = await waitForRequests(s.db, [requestId], ['issued'], 60_000).catch(async (e: Error) => {
            throw new Error(`${e.message}\n${await diagnose(s, [requestId])}`);
          });
          expect([pullAt, done.serial, done.card_state]).toEqual([pullAt, c.serial, 'issued']);
          const cardsOfRequest = await s.db.query(`SELECT serial, state FROM card WHERE request_id = $1`, [requestId]);
          expect(cardsOfRequest.rows).toEqual([{ serial: c.serial, state: 'issued' }]);
          await escrowedBeforeCard(c.serial);
        } finally {
          await remove(c);
          if (other) await remove(other);
        }
      }
      // The pulls reached the cardholder's keys at least once (the check above was not vacuous), and
      // the long run pulled at every APDU of the attempt, up to its last.
      expect([...held.values()].some((slots) => slots.length > 0)).toBe(true);
      if (LONG) expect(pastTheEnd).toBeDefined();
    },
    120_000 * PULL_POINTS.length,
  );

  it('never writes to a card whose serial PostgreSQL binds to another request, even when it looks blank', async () => {
    const issued = await s.db.query<{ serial: string }>(`SELECT serial FROM card WHERE state = 'issued' LIMIT 1`);
    expect(issued.rowCount).toBe(1);
    const requestId = await oneRequest();
    // A card answering with an issued card's serial but no CHUID (a reset or a cloned card).
    const lookalike = { serial: issued.rows[0].serial, backend: new SoftPivBackend({ serial: Number(issued.rows[0].serial) }) };
    await insert(lookalike, R0);
    try {
      // The worker reports the card; the API, which knows the serial, leases it no request (it never
      // gets as far as a claim). A few lease polls later nothing has been leased or written.
      const serial = issued.rows[0].serial;
      await s.workers.get(WS)!.waitForLog(new RegExp(`"serial":"${serial}","state":"blank","msg":"card inspected"`));
      await sleep(2000);
      expect((await s.db.query(`SELECT 1 FROM card_lease WHERE request_id = $1`, [requestId])).rowCount).toBe(0);
      expect((await requests(s.db, [requestId]))[0]).toMatchObject({ state: 'awaiting-card', card_id: null });
      expect(await lookalike.backend.getObject(OBJECT.CHUID)).toBeUndefined();
      expect((await lookalike.backend.managementKey()).isDefault).toBe(true);
      expect(await lookalike.backend.getKey(SLOT.KEY_MANAGEMENT)).toBeUndefined();
    } finally {
      await remove(lookalike);
      expect(
        (await call(s.api.url, 'POST', `/api/v1/issuance-requests/${requestId}/cancel`, s.token, { reason: 'test over' })).status,
      ).toBe(200);
    }
  }, 120_000);

  it('a card pulled out and abandoned is spoiled by an officer: new escrowed keys before another card takes the request', async () => {
    const requestId = await oneRequest();
    const c = blankCard();
    // Late enough that the escrowed 9D key is already on the card.
    const { pulled } = await insertPulling(c, R0, 30);
    await pulled;
    await waitFor(
      'the request to wait for its card',
      async () => ((await requests(s.db, [requestId]))[0].card_id ? true : undefined),
      30_000,
    );
    await waitForRequests(s.db, [requestId], ['awaiting-card'], 30_000);
    const before = await s.db.query<{ vsc_id: string; current_version: number; serial: string; der: Buffer }>(
      `SELECT v.id AS vsc_id, v.current_version, c.serial, c.der FROM vsc v JOIN ca_certificate c ON c.reference->>'requestId' = v.request_id::text AND c.reference->>'slot' = '9d' AND c.status = 'valid' WHERE v.request_id = $1`,
      [requestId],
    );
    expect((await c.backend.getKey(SLOT.KEY_MANAGEMENT))?.publicKey).toBeDefined();
    const spoil = await runCli(['card', 'spoil', c.serial, '--reason', 'pulled out and bent'], { env: s.cliEnv });
    expect([spoil.code, spoil.stderr]).toEqual([0, '']);
    expect(spoil.stdout).toMatch(new RegExp(`card ${c.serial} \\(.*\\) is spoiled`));
    const after = await s.db.query<{ current_version: number; escrowed_at: Date | null; state: { binding?: unknown } }>(
      `SELECT v.current_version, vv.escrowed_at, v.state FROM vsc v JOIN vsc_version vv ON vv.vsc_id = v.id AND vv.version = v.current_version WHERE v.id = $1`,
      [before.rows[0].vsc_id],
    );
    expect(after.rows[0].current_version).toBe(before.rows[0].current_version + 1);
    expect(after.rows[0].escrowed_at).not.toBeNull();
    expect(after.rows[0].state.binding).toBeUndefined();
    const old = await s.db.query<{ status: string; reason: string }>(`SELECT status, reason FROM ca_certificate WHERE serial = $1`, [
      before.rows[0].serial,
    ]);
    expect(old.rows[0]).toEqual({ status: 'revoked', reason: 'superseded' });
    expect((await s.db.query<{ state: string }>(`SELECT state FROM card WHERE serial = $1`, [c.serial])).rows[0].state).toBe('spoiled');
    expect((await requests(s.db, [requestId]))[0]).toMatchObject({ state: 'awaiting-card', card_id: null });
    // Spoiling again, or spoiling an issued card, is refused.
    expect((await runCli(['card', 'spoil', c.serial, '--reason', 'again'], { env: s.cliEnv })).code).not.toBe(0);

    // The spoiled card put back is never used again; a new blank card takes the request.
    const fresh = blankCard();
    await insert(c, R1);
    await insert(fresh, R0);
    try {
      await waitForRequests(s.db, [requestId], ['issued'], 60_000).catch(async (e: Error) => {
        throw new Error(`${e.message}\n${await diagnose(s, [requestId])}`);
      });
      const done = (await requests(s.db, [requestId]))[0];
      expect(done.serial).toBe(fresh.serial);
      expect((await s.db.query<{ state: string }>(`SELECT state FROM card WHERE serial = $1`, [c.serial])).rows[0].state).toBe('spoiled');
      const cardsOfRequest = await s.db.query<{ serial: string; state: string }>(
        `SELECT serial, state FROM card WHERE request_id = $1 ORDER BY created_at`,
        [requestId],
      );
      expect(cardsOfRequest.rows).toEqual([
        { serial: c.serial, state: 'spoiled' },
        { serial: fresh.serial, state: 'issued' },
      ]);
      // The new card holds the regenerated key, not the one left on the spoiled card.
      const session = await directSession(fresh);
      const onCard = (await session.getMetadata(SLOT.KEY_MANAGEMENT)).publicKey!.spki;
      const oldKey = new X509Certificate(before.rows[0].der).publicKey.export({ format: 'der', type: 'spki' });
      expect(Buffer.from(onCard).equals(oldKey)).toBe(false);
      await escrowedBeforeCard(fresh.serial);
      const audit = await s.db.query<{ action: string }>(
        `SELECT action FROM audit_event WHERE action IN ('card.spoiled', 'personalisation.card-released', 'vsc.version-sealed') AND at > now() - interval '5 minutes' ORDER BY entry`,
      );
      expect(audit.rows.map((r) => r.action)).toEqual(
        expect.arrayContaining(['card.spoiled', 'personalisation.card-released', 'vsc.version-sealed']),
      );
    } finally {
      await remove(c);
      await remove(fresh);
    }
  }, 180_000);

  it('a worker killed mid-job: its request waits for its card, and is resumed on it when the worker is back', async () => {
    const requestId = await oneRequest();
    const c = blankCard();
    const w = s.workers.get(WS)!;
    await insert(c, R0);
    await waitFor(
      'the worker to be writing the card',
      async () =>
        (await s.db.query(`SELECT 1 FROM personalisation_step WHERE request_id = $1 AND step = 'import:9d'`, [requestId])).rowCount
          ? true
          : undefined,
      30_000,
      50,
    );
    w.process.kill('SIGKILL');
    await new Promise((r) => w.process.once('exit', r));
    // The API's watchdog notices the silence: the request waits for its card (still bound to it).
    const waiting = await waitFor(
      'the watchdog',
      async () => {
        const [r] = await requests(s.db, [requestId]);
        return r.state === 'awaiting-card' ? r : undefined;
      },
      40_000,
    );
    expect(waiting.serial).toBe(c.serial);
    const back = respawnWorker(s, WS, w.stateDir);
    s.workers.set(WS, Object.assign(back, { id: w.id }));
    try {
      await waitForRequests(s.db, [requestId], ['issued'], 60_000).catch(async (e: Error) => {
        throw new Error(`${e.message}\n${await diagnose(s, [requestId])}`);
      });
      const cardsOfRequest = await s.db.query(`SELECT serial, state FROM card WHERE request_id = $1`, [requestId]);
      expect(cardsOfRequest.rows).toEqual([{ serial: c.serial, state: 'issued' }]);
      const attempts = await s.db.query<{ attempt: number }>(
        `SELECT DISTINCT attempt FROM personalisation_step WHERE request_id = $1 ORDER BY attempt`,
        [requestId],
      );
      expect(attempts.rows.map((r) => r.attempt)).toEqual([1, 2]);
      await escrowedBeforeCard(c.serial);
    } finally {
      await remove(c);
    }
  }, 180_000);

  it('an unapproved worker takes no job; a worker that did not claim a card gets nothing for it', async () => {
    // Replace the approved worker by a newly enrolled one that no officer approved yet.
    await s.workers.get(WS)!.stop();
    s.workers.delete(WS);
    const ws = testWorkstations().find((x) => x.id === WS)!;
    const pending = spawnWorker(s.api, ws, {
      SCM_ENROLLMENT_TOKEN: await enrollmentToken(s.api, s.token, WS),
    });
    const requestId = await oneRequest();
    const c = blankCard();
    try {
      await pending.waitForLog(/"msg":"waiting for an officer to approve this worker/);
      await insert(c, R0);
      await sleep(6000);
      expect((await requests(s.db, [requestId]))[0]).toMatchObject({ state: 'awaiting-card', card_id: null });
      expect((await s.db.query(`SELECT 1 FROM card WHERE serial = $1`, [c.serial])).rowCount).toBe(0);

      // An approved worker that did not claim the request: every worker route refuses it, audited.
      const kex = generateKeyPairSync('x25519');
      const sig = generateKeyPairSync('ed25519');
      const reg = await call<{ id: string; fingerprint: string }>(s.api.url, 'POST', '/api/v1/workers/register', undefined, {
        enrollmentToken: await enrollmentToken(s.api, s.token, 3),
        name: 'intruder',
        host: 'elsewhere',
        workstation: 3,
        signPublicKey: sig.publicKey.export({ format: 'der', type: 'spki' }).toString('base64'),
        kexPublicKey: kex.publicKey.export({ format: 'der', type: 'spki' }).toString('base64'),
      });
      expect(reg.status).toBe(201);
      await reauth(s.api.url, s.second.token);
      expect(
        (await call(s.api.url, 'POST', `/api/v1/workers/${reg.body.id}/approve`, s.second.token, { fingerprint: reg.body.fingerprint }))
          .status,
      ).toBe(200);
      const ch = await call<{ nonce: string }>(s.api.url, 'POST', '/api/v1/workers/challenge', undefined, { workerId: reg.body.id });
      const session = await call<{ token: string }>(s.api.url, 'POST', '/api/v1/workers/session', undefined, {
        workerId: reg.body.id,
        nonce: ch.body.nonce,
        signature: sign(null, workerAuthMessage(reg.body.id, ch.body.nonce), sig.privateKey).toString('base64'),
      });
      const intruder = session.body.token;

      // Now approve the real worker: it claims the card and issues it.
      const fp = /"fingerprint":"([0-9A-F-]+)"/.exec(pending.log())![1];
      const list = await call<Array<{ id: string; fingerprint: string }>>(s.api.url, 'GET', '/api/v1/workers', s.token);
      const id = list.body.find((x) => x.fingerprint === fp)!.id;
      // separation of duties: the officer who made its token does not approve it; the second officer does
      await reauth(s.api.url, s.second.token);
      expect((await call(s.api.url, 'POST', `/api/v1/workers/${id}/approve`, s.second.token, { fingerprint: fp })).status).toBe(200);
      await waitFor('the claim', async () => ((await requests(s.db, [requestId]))[0].card_id ? true : undefined), 60_000, 100);
      for (const [method, path] of [
        ['GET', `/api/v1/worker/issuance-requests/${requestId}/personalisation`],
        ['POST', `/api/v1/worker/personalisation/${requestId}/management-key/release`],
        ['POST', `/api/v1/worker/personalisation/${requestId}/verification`],
      ] as const) {
        const r = await call<{ code: string }>(s.api.url, method, path, intruder);
        expect([path, r.status]).toEqual([path, expect.any(Number)]);
        expect(r.status >= 400 && r.status < 500).toBe(true);
      }
      const steal = await call<{ code: string }>(s.api.url, 'POST', '/api/v1/worker/personalisation/claims', intruder, {
        requestId,
        serial: '99999999',
        atr: '3BFD1300008131FE158073C021C057597562694B657940',
      });
      // Not leased to it: refused before the request is even looked at.
      expect([steal.status, steal.body.code]).toEqual([409, 'personalisation.not-leased']);
      // A user (even an officer) is not a worker.
      expect((await call(s.api.url, 'POST', `/api/v1/worker/personalisation/${requestId}/management-key/release`, s.token)).status).toBe(
        403,
      );
      await waitForRequests(s.db, [requestId], ['issued'], 60_000);
      const denied = await s.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM audit_event WHERE outcome = 'denied' AND actor = $1`, [
        `worker:${reg.body.id}`,
      ]);
      expect(denied.rows[0].n).toBeGreaterThanOrEqual(3);
    } finally {
      await remove(c);
      await pending.stop();
    }
  }, 180_000);
});
