import { createHash, generateKeyPairSync, randomBytes, sign, X509Certificate } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createAttestationAuthority, SoftPivBackend } from '@scm/card-engine';
import { workerAuthMessage } from '@scm/common';
import { call, enrollmentToken, reauth, runCli, TEST_PASSWORD } from '@scm/test-kit';
import { waitForCard } from '../card-engine/support';
import {
  blankCard,
  cardholders,
  insert,
  insertPulling,
  issueBatch,
  remove,
  type Stack,
  startStack,
  type TestCard,
  testReader,
  waitFor,
  waitForRequests,
} from './support';

/**
 * Card stock on the real parts, in production mode (SCM_DEV_STOCK off): officers register a batch
 * of 100 cards with their transport keys (wrapped into SoftHSM2), a card of the batch is
 * personalised after proving its transport key through the HSM, and everything else is refused
 * and audited — a card outside the stock, a stock serial without its key, a rogue worker with
 * no card at all, and the factory-default development batch.
 */
const AES192 = 0x0a;
const READER = testReader(0, 0);

/** A software card of registered stock: its serial and its own AES-192 transport key. */
function stockCard(): TestCard & { key: Buffer } {
  const serial = blankCard().serial;
  const key = randomBytes(24);
  return { serial, key, backend: new SoftPivBackend({ serial: Number(serial), managementKey: { algorithm: AES192, key } }) };
}

/** A worker enrolled and approved by the protocol, without any card: what a rogue workstation holds. */
async function rogueWorkerToken(s: Stack): Promise<string> {
  const signKey = generateKeyPairSync('ed25519');
  const kex = generateKeyPairSync('x25519');
  const reg = await call<{ id: string; fingerprint: string }>(s.api.url, 'POST', '/api/v1/workers/register', undefined, {
    enrollmentToken: await enrollmentToken(s.api, s.token, 1),
    name: 'rogue',
    host: 'rogue-host',
    workstation: 1,
    signPublicKey: signKey.publicKey.export({ format: 'der', type: 'spki' }).toString('base64'),
    kexPublicKey: kex.publicKey.export({ format: 'der', type: 'spki' }).toString('base64'),
  });
  // Separation of duties: approved by an officer other than the token's maker, with a fresh log-in.
  await reauth(s.api.url, s.second.token);
  const approved = await call(s.api.url, 'POST', `/api/v1/workers/${reg.body.id}/approve`, s.second.token, {
    fingerprint: reg.body.fingerprint,
  });
  if (approved.status !== 200 && approved.status !== 201)
    throw new Error(`worker approve: HTTP ${approved.status} ${JSON.stringify(approved.body)}`);
  const { body } = await call<{ nonce: string }>(s.api.url, 'POST', '/api/v1/workers/challenge', undefined, { workerId: reg.body.id });
  const signature = sign(null, workerAuthMessage(reg.body.id, body.nonce), signKey.privateKey).toString('base64');
  return (
    await call<{ token: string }>(s.api.url, 'POST', '/api/v1/workers/session', undefined, {
      workerId: reg.body.id,
      nonce: body.nonce,
      signature,
    })
  ).body.token;
}

/** The rogue reports a card it does not hold; the API leases it a waiting request for it (or none). */
async function rogueLease(s: Stack, token: string, serial: string): Promise<string | undefined> {
  const r = await call<{ lease: { requestId: string } | null }>(s.api.url, 'POST', '/api/v1/worker/personalisation/leases', token, {
    reader: 'Virtual PCD 00 00',
    serial,
    atr: '3BF81300008131FE15597562696B65793479',
  });
  return r.body.lease?.requestId;
}

describe('card stock: trust the card, not the workstation', () => {
  let s: Stack;
  let tmp: string;
  const stock = Array.from({ length: 100 }, () => stockCard());
  const batchName = `acme-${process.pid}-${Date.now() % 100000}`;
  // SCM_PASSWORD: the CLI confirms the officer's password where the API asks for it (stock import).
  const cli = (args: string[]) => runCli(args, { env: { ...s.cliEnv, SCM_PASSWORD: TEST_PASSWORD } });
  const audit = async (action: string, targetId: string) =>
    (
      await s.db.query<{ outcome: string; details: Record<string, unknown> }>(
        `SELECT outcome, details FROM audit_event WHERE action = $1 AND target_id = $2 ORDER BY entry`,
        [action, targetId],
      )
    ).rows;

  beforeAll(async () => {
    tmp = mkdtempSync(join(tmpdir(), 'scm-stock-'));
    // Short leases: what the rogue worker leases comes back to the pool soon.
    s = await startStack([0], { apiEnv: { SCM_DEV_STOCK: '0', SCM_CARD_LEASE_SECONDS: '5' } });
  }, 120_000);

  afterAll(async () => {
    await s?.close();
    rmSync(tmp, { recursive: true, force: true });
  });

  it('refuses the factory-default development batch in production mode, audited', async () => {
    const r = await cli(['stock', 'import', '--development']);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/SCM_DEV_STOCK/);
    expect(await audit('stock.import', 'factory-default')).toEqual([
      expect.objectContaining({ outcome: 'denied', details: expect.objectContaining({ refusal: 'stock.development-disabled' }) }),
    ]);
  });

  it('imports 100 serials with their transport keys wrapped under the HSM, never in clear in PostgreSQL', async () => {
    const file = join(tmp, 'manifest.csv');
    writeFileSync(file, `# ACME delivery\nserial,transport_key\n${stock.map((c) => `${c.serial},${c.key.toString('hex')}`).join('\n')}\n`);
    // An import needs a recent password confirmation: a session older than SCM_REAUTH_MINUTES is refused.
    await s.db.query(`UPDATE session SET created_at = now() - interval '1 hour', reauthenticated_at = NULL WHERE token_hash = $1`, [
      createHash('sha256').update(s.token, 'utf8').digest(),
    ]);
    const stale = await call<{ code: string }>(s.api.url, 'POST', '/api/v1/stock/batches', s.token, {
      name: `${batchName}-stale`,
      algorithm: 'aes192',
      cards: [{ serial: stock[0].serial, transportKey: stock[0].key.toString('hex') }],
    });
    expect([stale.status, stale.body.code]).toEqual([403, 'auth.reauth-required']);
    await reauth(s.api.url, s.token);
    const r = await cli(['stock', 'import', file, '--name', batchName, '--algorithm', 'aes192', '--vendor', 'ACME']);
    expect(r.stderr).toBe('');
    expect(r.stdout).toMatch(new RegExp(`stock batch ${batchName} registered: 100 card\\(s\\), aes192 transport keys wrapped in the HSM`));
    const rows = await s.db.query<{ serial: string; transport_key_wrapped: Buffer }>(
      `SELECT s.serial, s.transport_key_wrapped FROM stock_card s JOIN stock_batch b ON b.id = s.batch_id WHERE b.name = $1`,
      [batchName],
    );
    expect(rows.rows).toHaveLength(100);
    for (const row of rows.rows) {
      const key = stock.find((c) => c.serial === row.serial)!.key;
      expect(row.transport_key_wrapped.length).toBe(32);
      expect(row.transport_key_wrapped.includes(key)).toBe(false);
      expect(row.transport_key_wrapped.includes(key.subarray(0, 8))).toBe(false);
    }
    // The same serials again: refused whole.
    const again = await cli(['stock', 'import', file, '--name', `${batchName}-again`, '--algorithm', 'aes192']);
    expect(again.code).not.toBe(0);
    expect(again.stderr).toMatch(/100 serial\(s\) are in stock already/);
    const report = JSON.parse((await cli(['stock', 'report', '--json'])).stdout) as {
      batches: Array<{ name: string; counts: Record<string, number>; total: number }>;
    };
    expect(report.batches.find((b) => b.name === batchName)).toMatchObject({ total: 100, counts: { 'in-stock': 100, issued: 0 } });
    // The last card of the batch was shredded: recorded destroyed, it is never taken.
    const destroyed = await cli(['stock', 'destroy', stock[99].serial, '--reason', 'shredded']);
    expect(destroyed.stdout).toMatch(/recorded destroyed/);
  });

  it('personalises a card of the batch after it proved its transport key through the HSM; the stock shows it issued', async () => {
    const card = stock[0];
    const { requestIds } = await issueBatch(s, await cardholders(s, 1));
    await waitForRequests(s.db, requestIds, ['awaiting-card'], 60_000);
    await insert(card, READER);
    try {
      const [row] = await waitForRequests(s.db, requestIds, ['issued'], 90_000);
      expect(row.serial).toBe(card.serial);
    } finally {
      await remove(card);
    }
    const show = JSON.parse((await cli(['stock', 'show', batchName, '--json'])).stdout) as {
      counts: Record<string, number>;
      cardList: Array<{ serial: string; state: string }>;
    };
    expect(show.cardList.find((c) => c.serial === card.serial)).toMatchObject({ state: 'issued' });
    expect(show.counts).toMatchObject({ 'in-stock': 98, issued: 1, destroyed: 1 });
    const proofs = await s.db.query(`SELECT used_at FROM stock_card_proof WHERE serial = $1 AND used_at IS NOT NULL`, [card.serial]);
    expect(proofs.rowCount).toBe(1);
    expect((await s.db.query(`SELECT stock_batch FROM card WHERE serial = $1`, [card.serial])).rows[0]).toEqual({ stock_batch: batchName });
  }, 150_000);

  it('leaves alone a card outside the stock and a stock serial that lacks its transport key: refused, audited, nothing bound', async () => {
    const { requestIds } = await issueBatch(s, await cardholders(s, 1));
    await waitForRequests(s.db, requestIds, ['awaiting-card'], 60_000);
    // A blank card of no registered batch (the factory-default key, which production does not accept).
    const outsider = blankCard();
    await insert(outsider, READER);
    try {
      const denied = await waitFor(
        `the proof of card ${outsider.serial} to be refused`,
        async () => (await audit('stock.card-proof', outsider.serial))[0],
        30_000,
      );
      expect(denied).toMatchObject({ outcome: 'denied', details: expect.objectContaining({ refusal: 'stock.card-not-in-stock' }) });
    } finally {
      await remove(outsider);
    }
    // A card that says it is stock card #2 but holds another key: the HSM's witness makes no sense to it.
    const impostor: TestCard = {
      serial: stock[2].serial,
      backend: new SoftPivBackend({ serial: Number(stock[2].serial), managementKey: { algorithm: AES192, key: randomBytes(24) } }),
    };
    await insert(impostor, READER);
    try {
      await waitFor(
        `a proof of ${impostor.serial} to be issued`,
        async () => ((await s.db.query(`SELECT 1 FROM stock_card_proof WHERE serial = $1`, [impostor.serial])).rowCount ? true : undefined),
        30_000,
      );
      await new Promise((r) => setTimeout(r, 1500));
      const used = await s.db.query(`SELECT 1 FROM stock_card_proof WHERE serial = $1 AND used_at IS NOT NULL`, [impostor.serial]);
      expect(used.rowCount).toBe(0);
    } finally {
      await remove(impostor);
    }
    const bound = await s.db.query(`SELECT serial FROM card WHERE serial = ANY($1::text[])`, [[outsider.serial, impostor.serial]]);
    expect(bound.rows).toEqual([]);
    expect((await waitForRequests(s.db, requestIds, ['awaiting-card'], 1000))[0].card_id).toBeNull();
    // The genuine card of the batch still takes the request.
    await insert(stock[3], READER);
    try {
      await waitForRequests(s.db, requestIds, ['issued'], 90_000);
    } finally {
      await remove(stock[3]);
    }
  }, 240_000);

  it('refuses a rogue worker that has no card: an invented serial, a stock serial without a proof, a forged answer, a replayed proof', async () => {
    const token = await rogueWorkerToken(s);
    const { requestIds } = await issueBatch(s, await cardholders(s, 2));
    // Two waiting requests: one leased for the invented serial, one for the stock serial.
    await waitForRequests(s.db, requestIds, ['awaiting-card'], 60_000);
    const atr = '3BF81300008131FE15597562696B65793479';
    // Each claim is within a lease the rogue got by reporting the serial, as a worker would.
    let requestId = requestIds[0];
    const claim = async (serial: string, proof?: { proofId: string; response: string }) => {
      requestId = (await rogueLease(s, token, serial)) ?? requestId;
      return call<{ code: string; detail: string }>(s.api.url, 'POST', '/api/v1/worker/personalisation/claims', token, {
        requestId,
        serial,
        atr,
        ...(proof ? { proof } : {}),
      });
    };
    const invented = await claim('987654321');
    expect(invented).toMatchObject({ status: 409, body: { code: 'stock.card-not-in-stock' } });
    const noProof = await claim(stock[5].serial);
    expect(noProof).toMatchObject({ status: 422, body: { code: 'stock.proof-failed' } });
    const inventedProof = await call<{ code: string }>(s.api.url, 'POST', '/api/v1/worker/stock/proofs', token, {
      requestId,
      serial: '987654321',
      algorithm: 'aes192',
      encryptedWitness: randomBytes(16).toString('base64'),
    });
    expect(inventedProof).toMatchObject({ status: 409, body: { code: 'stock.card-not-in-stock' } });
    const challenge = await call<{ proofId: string; witness: string; challenge: string }>(
      s.api.url,
      'POST',
      '/api/v1/worker/stock/proofs',
      token,
      { requestId, serial: stock[5].serial, algorithm: 'aes192', encryptedWitness: randomBytes(16).toString('base64') },
    );
    expect(challenge.status).toBe(200);
    expect(Object.keys(challenge.body).sort()).toEqual(['challenge', 'expiresAt', 'proofId', 'witness']);
    const forged = await claim(stock[5].serial, { proofId: challenge.body.proofId, response: randomBytes(16).toString('base64') });
    expect(forged).toMatchObject({ status: 422, body: { code: 'stock.proof-failed' } });
    const replayed = await claim(stock[5].serial, { proofId: challenge.body.proofId, response: randomBytes(16).toString('base64') });
    expect(replayed).toMatchObject({
      status: 422,
      body: { code: 'stock.proof-failed', detail: expect.stringMatching(/answered already/) },
    });

    const refusals = (
      await s.db.query<{ refusal: string }>(
        `SELECT details->>'refusal' AS refusal FROM audit_event
          WHERE action = 'personalisation.claim' AND outcome = 'denied' AND details->>'serial' = ANY($1::text[]) ORDER BY seq`,
        [['987654321', stock[5].serial]],
      )
    ).rows.map((r) => r.refusal);
    expect(refusals).toEqual(['stock.card-not-in-stock', 'stock.proof-failed', 'stock.proof-failed', 'stock.proof-failed']);
    expect(await audit('stock.card-proof', '987654321')).toEqual([expect.objectContaining({ outcome: 'denied' })]);
    expect((await s.db.query(`SELECT 1 FROM card WHERE serial = ANY($1::text[])`, [['987654321', stock[5].serial]])).rowCount).toBe(0);

    // A workstation claiming cards it cannot prove is suspended at the fifth such claim (the
    // default threshold), its session ends and the alarm is audited.
    const before = await s.db.query<{ n: string }>(`SELECT count(*) AS n FROM audit_event WHERE action = 'worker.suspended'`);
    const fifth = await claim(stock[5].serial, { proofId: challenge.body.proofId, response: randomBytes(16).toString('base64') });
    expect(fifth).toMatchObject({ status: 422, body: { code: 'stock.proof-failed' } });
    const alarms = await s.db.query<{ details: { reason: string; last: string; refusedClaims: number } }>(
      `SELECT details FROM audit_event WHERE action = 'worker.suspended' ORDER BY entry DESC LIMIT 1`,
    );
    expect(
      Number((await s.db.query<{ n: string }>(`SELECT count(*) AS n FROM audit_event WHERE action = 'worker.suspended'`)).rows[0]!.n),
    ).toBe(Number(before.rows[0]!.n) + 1);
    expect(alarms.rows[0]!.details).toMatchObject({ reason: 'refused-claims', last: 'stock.proof-failed', refusedClaims: 5 });
    const after = await call(s.api.url, 'POST', '/api/v1/worker/stock/proofs', token, {
      requestId,
      serial: stock[5].serial,
      algorithm: 'aes192',
      encryptedWitness: randomBytes(16).toString('base64'),
    });
    expect(after.status).toBe(401);
  });

  it('refuses a rogue worker that takes over a request bound to a card it does not hold; the card, put back, is issued by its worker', async () => {
    const token = await rogueWorkerToken(s);
    await issueBatch(s, await cardholders(s, 1));
    const card = stock[6];
    // Pulled out after the claim: the request it took (the oldest waiting) waits for this very card.
    const { pulled } = await insertPulling(card, READER, 26);
    await pulled;
    await waitForCard(READER, false);
    const bound = await waitFor(
      `the request of card ${card.serial} to wait for it`,
      async () =>
        (
          await s.db.query<{ id: string; state: string; card_state: string }>(
            `SELECT r.id, r.state, c.state AS card_state FROM card c JOIN issuance_request r ON r.id = c.request_id WHERE c.serial = $1`,
            [card.serial],
          )
        ).rows.find((r) => r.state === 'awaiting-card'),
      30_000,
    );
    expect(bound.card_state).toBe('personalising');
    const requestId = bound.id;
    const requestIds = [requestId];
    const claim = (proof?: { proofId: string; response: string }) =>
      call<{ code: string }>(s.api.url, 'POST', '/api/v1/worker/personalisation/claims', token, {
        requestId,
        serial: card.serial,
        atr: '3BF81300008131FE15597562696B65793479',
        ...(proof ? { proof } : {}),
      });
    // No lease for another worker's bound card, no takeover (leases), and no proof without the card.
    const takeover = ['personalisation.not-leased', 'personalisation.bound-to-another-worker', 'stock.proof-failed'];
    await rogueLease(s, token, card.serial);
    const first = await claim();
    expect(first.status).toBeGreaterThanOrEqual(403);
    expect(takeover).toContain(first.body.code);
    const challenge = await call<{ proofId: string }>(s.api.url, 'POST', `/api/v1/worker/personalisation/${requestId}/card-proofs`, token, {
      serial: card.serial,
      algorithm: 'aes192',
      encryptedWitness: randomBytes(16).toString('base64'),
    });
    expect(challenge.status).toBe(200);
    const forged = await claim({ proofId: challenge.body.proofId, response: randomBytes(16).toString('base64') });
    expect(takeover).toContain(forged.body.code);
    // The last two refusals of the request are the rogue's takeover attempts.
    expect(
      (await audit('personalisation.claim', requestId))
        .map((r) => r.details.refusal)
        .slice(-2)
        .every((c) => takeover.includes(String(c))),
    ).toBe(true);
    expect((await s.db.query(`SELECT worker_id FROM issuance_request WHERE id = $1`, [requestId])).rows[0].worker_id).toBe(
      s.workers.get(0)!.id,
    );
    await insert(card, READER);
    try {
      await waitForRequests(s.db, requestIds, ['issued'], 90_000);
    } finally {
      await remove(card);
    }
  }, 180_000);

  it('certifies on-card keys of attestation stock only with attestations chained to the vendor root: kept with the certificates; a forged one fails the request, audited', async () => {
    const root = await createAttestationAuthority(0);
    const vendorCard = async (forged = false) => {
      const serial = blankCard().serial;
      const key = randomBytes(24);
      const attestation = forged
        ? await createAttestationAuthority(Number(serial))
        : await createAttestationAuthority(Number(serial), undefined, root);
      return {
        serial,
        key,
        backend: new SoftPivBackend({ serial: Number(serial), managementKey: { algorithm: AES192, key }, attestation }),
      } as TestCard & { key: Buffer };
    };
    const [good, forged] = [await vendorCard(), await vendorCard(true)];
    const file = join(tmp, 'attested.json');
    const rootPem = join(tmp, 'vendor-root.pem');
    writeFileSync(rootPem, new X509Certificate(Buffer.from(root.certificate)).toString());
    writeFileSync(
      file,
      JSON.stringify({
        format: 'scm-stock-manifest/1',
        algorithm: 'aes192',
        cards: [good, forged].map((c) => ({ serial: c.serial, transportKey: c.key.toString('hex') })),
      }),
    );
    const imported = await cli(['stock', 'import', file, '--name', `${batchName}-attested`, '--attestation-root', rootPem]);
    expect(imported.stdout).toMatch(/attestation required/);

    const { requestIds } = await issueBatch(s, await cardholders(s, 2));
    await waitForRequests(s.db, requestIds, ['awaiting-card'], 60_000);
    /** The request a card was bound to, once it reached one of `states` (the card may take any waiting request). */
    const requestOf = (serial: string, states: string[]) =>
      waitFor(
        `the request of card ${serial} to be ${states.join(' or ')}`,
        async () =>
          (
            await s.db.query<{ id: string; state: string; failure: string | null }>(
              `SELECT r.id, r.state, r.failure FROM card c JOIN issuance_request r ON r.id = c.request_id WHERE c.serial = $1`,
              [serial],
            )
          ).rows.find((r) => states.includes(r.state)),
        90_000,
      );
    await insert(good, READER);
    let goodRequest: string;
    try {
      goodRequest = (await requestOf(good.serial, ['issued'])).id;
    } finally {
      await remove(good);
    }
    const kept = await s.db.query<{ slot: string; card_serial: string; certificate_serial: string }>(
      `SELECT slot, card_serial, certificate_serial FROM on_card_attestation WHERE request_id = $1 ORDER BY slot`,
      [goodRequest],
    );
    expect(kept.rows.map((r) => [r.slot, r.card_serial])).toEqual([
      ['9a', good.serial],
      ['9c', good.serial],
      ['9e', good.serial],
    ]);
    const certs = await s.db.query(`SELECT serial FROM ca_certificate WHERE serial = ANY($1::text[])`, [
      kept.rows.map((r) => r.certificate_serial),
    ]);
    expect(certs.rowCount).toBe(3);

    await insert(forged, READER);
    try {
      const failed = await requestOf(forged.serial, ['failed']);
      expect(failed.failure).toMatch(/not signed by the stock's vendor root/);
      const denied = await audit('issuance-request.slot-certified', failed.id);
      expect(denied).toEqual([
        expect.objectContaining({ outcome: 'denied', details: expect.objectContaining({ refusal: 'stock.attestation-refused' }) }),
      ]);
    } finally {
      await remove(forged);
    }
  }, 240_000);
});
