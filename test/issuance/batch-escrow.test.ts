import 'reflect-metadata';
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import * as x509 from '@peculiar/x509';
import { verifyChuid, verifySecurityObject, PIV_CONTAINER } from '@scm/ca';
import type { HsmContext } from '@scm/hsm';
import { slotName, VirtualSmartCard, type VscDeps } from '@scm/vsc';
import Redis from 'ioredis';
import { appDb, call, runCli, startApi, testEnv, type RunningApi } from '@scm/test-kit';
import {
  caChain,
  certText,
  officer,
  openEscrow,
  openEvents,
  openssl,
  people,
  Scratch,
  scratchFile,
  testVscDeps,
  type Officer,
} from './support';

const PUBLIC = 'http://pki.scm.test:7400';
const TERMINAL_OK = 'awaiting-card';

type Accepted = { batchId: string; size: number; requests: Array<{ id: string; cardholderId: string; profileId: string; state: string }> };

/**
 * Done-when of issue 6: a batch reaches awaiting-card with sealed, escrowed VSCs whose
 * certificates chain to the issuing CA and carry the profile's extensions (openssl); on-card slots
 * have no private key anywhere; no private key or PUK is in PostgreSQL or Redis in clear; the
 * card jobs are queued only for escrowed requests; state changes stream as server-sent events.
 */
describe('batch issuance: keys on VSCs, certificates, escrow, card jobs', () => {
  let front: RunningApi; // takes requests; runs no key generation
  let keygen: RunningApi | undefined; // a second API process's role: generates keys
  let off: Officer;
  let vscDeps: { hsm: HsmContext; deps: VscDeps };
  const scratch = new Scratch();
  let accepted: Accepted;
  let holders: ReturnType<typeof people>;

  beforeAll(async () => {
    front = await startApi({ SCM_KEYGEN_CONCURRENCY: '0', SCM_PUBLIC_URL: PUBLIC });
    off = await officer(front);
    vscDeps = testVscDeps();
  });
  afterAll(async () => {
    await keygen?.close();
    await front.close();
    vscDeps.hsm.close();
    off.cleanup();
    scratch.remove();
  });

  it('imports cardholders from CSV and accepts a batch from CSV in one call', async () => {
    holders = people(6);
    const csv = ['name,email,upn,org_ids', ...holders.map((p, i) => `"${p.name}, jr.",${p.email},${p.upn},EMP-${i};DEPT-7`)].join('\r\n');
    const imp = await runCli(['cardholder', 'import', scratchFile(off, 'people.csv', csv)], { env: off.cliEnv });
    expect([imp.code, imp.stderr]).toEqual([0, '']);
    expect(imp.stdout).toContain('imported 6 cardholders');
    // Four with the default profile (9D escrowed, the rest on the card), two with the seed profile (all escrowed).
    const batch = ['cardholder,profile', ...holders.map((p, i) => `${i % 2 ? p.upn : p.email},${i >= 4 ? 'seed' : ''}`)].join('\n');
    const r = await runCli(['issue', '--batch', scratchFile(off, 'batch.csv', batch), '--json'], { env: off.cliEnv });
    expect([r.code, r.stderr]).toEqual([0, '']);
    accepted = JSON.parse(r.stdout) as Accepted;
    expect(accepted.size).toBe(6);
    expect(accepted.requests.map((x) => x.profileId)).toEqual(['default', 'default', 'default', 'default', 'seed', 'seed']);
    expect(accepted.requests.every((x) => x.state === 'requested')).toBe(true);
    const db = await appDb();
    try {
      const jobs = await db.query(`SELECT job_id FROM outbox WHERE job_id = ANY($1::text[])`, [
        accepted.requests.map((x) => `generate-keys|requestId=${x.id}`),
      ]);
      expect(jobs.rowCount).toBe(6);
    } finally {
      await db.end();
    }
  });

  it('streams every request through keys-generated, escrowed and awaiting-card (events from another API process)', async () => {
    const stream = await openEvents(`${front.url}/api/v1/issuance-batches/${accepted.batchId}/events`, off.token);
    try {
      expect(stream.status).toBe(200);
      expect(stream.contentType).toMatch(/^text\/event-stream/);
      await stream.until((ev) => ev.some((e) => e.event === 'snapshot'));
      expect(stream.events[0]).toEqual({ event: 'snapshot', data: { batchId: accepted.batchId, size: 6, states: { requested: 6 } } });
      keygen = await startApi({ SCM_PUBLIC_URL: PUBLIC });
      const reached = (ev: typeof stream.events) =>
        new Set(ev.filter((e) => e.event === 'state' && e.data.state === TERMINAL_OK).map((e) => e.data.requestId));
      await stream.until((ev) => reached(ev).size === 6);
      for (const rq of accepted.requests) {
        const seq = stream.events.filter((e) => e.event === 'state' && e.data.requestId === rq.id).map((e) => e.data.state);
        expect([rq.id, seq]).toEqual([rq.id, ['keys-generated', 'escrowed', 'awaiting-card']]);
      }
    } finally {
      stream.close();
    }
  });

  it('shows each request with its history (bin/scm request show)', async () => {
    const id = accepted.requests[0].id;
    const text = await runCli(['request', 'show', id], { env: off.cliEnv });
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/state\s+awaiting-card/);
    expect(text.stdout).toMatch(/9d\s+rsa2048\s+escrow\s+[0-9a-f]{32}\s+valid/);
    expect(text.stdout).toMatch(/9a\s+p256\s+on-card\s+-/);
    const json = JSON.parse((await runCli(['request', 'show', id, '--json'], { env: off.cliEnv })).stdout) as {
      history: Array<{ from: string | null; to: string }>;
      vsc: { escrowed: boolean };
    };
    expect(json.history.map((h) => h.to)).toEqual(['requested', 'keys-generated', 'escrowed', 'awaiting-card']);
    expect(json.vsc.escrowed).toBe(true);
    const list = await runCli(['request', 'list', '--batch', accepted.batchId], { env: off.cliEnv });
    expect(list.stdout).toContain('6 requests: 6 awaiting-card');
  });

  it('keeps one sealed, escrowed VSC per request whose stored copy passes the full check', async () => {
    const db = await appDb();
    try {
      for (const rq of accepted.requests) {
        const v = await db.query(
          `SELECT s.id, s.kind, s.current_version, s.state, v.content, v.sha256, v.escrowed_at, v.kek_label, v.recovery_label FROM vsc s JOIN vsc_version v ON v.vsc_id = s.id WHERE s.request_id = $1`,
          [rq.id],
        );
        expect(v.rowCount).toBe(1);
        const row = v.rows[0];
        expect([row.kind, row.current_version, row.kek_label, row.recovery_label]).toEqual([
          'escrow',
          1,
          'scm-vsc-kek/1',
          'scm-recovery/1',
        ]);
        expect(row.escrowed_at).not.toBeNull();
        const report = await VirtualSmartCard.check(row.content, vscDeps.deps);
        expect(report).toMatchObject({ id: row.id, version: 1, type: 'content', contentHash: (row.sha256 as Buffer).toString('hex') });
        expect(report.checks).toEqual(
          expect.arrayContaining(['seal', 'recovery slot', 'private area', 'secret-key area', 'password area']),
        );
        // Sealed for the recovery path only: no PIN exists yet.
        const vsc = await VirtualSmartCard.load(row.content, vscDeps.deps);
        expect(vsc.hasCardholderPath).toBe(false);
        // A sealed version is immutable, even for the application role.
        await expect(db.query(`UPDATE vsc_version SET content = $2 WHERE vsc_id = $1`, [row.id, Buffer.from('x')])).rejects.toThrow(
          /never changes/,
        );
        await expect(db.query(`DELETE FROM vsc_version WHERE vsc_id = $1`, [row.id])).rejects.toThrow(/permission denied/);
      }
    } finally {
      await db.end();
    }
  });

  it('issues certificates that chain to the issuing CA and carry the profile extensions (openssl)', async () => {
    const chain = await caChain(front);
    const root = scratch.file('root.pem', chain.root);
    const issuing = scratch.file('issuing.pem', chain.issuing);
    for (const [i, rq] of accepted.requests.entries()) {
      const h = holders[i];
      const r = await call<{ vsc: { id: string } }>(front.url, 'GET', `/api/v1/issuance-requests/${rq.id}`, off.token);
      const vscId = r.body.vsc.id;
      const vsc = await openEscrow(vscDeps.deps, vscId);
      try {
        const slots = rq.profileId === 'seed' ? [0x9a, 0x9c, 0x9d, 0x9e] : [0x9d];
        const present = [0x9a, 0x9c, 0x9d, 0x9e].filter((s) => vsc.certificate(s));
        expect([rq.profileId, present]).toEqual([rq.profileId, slots]);
        for (const slot of slots) {
          const der = vsc.certificate(slot)!;
          const leaf = scratch.file(`${vscId}-${slotName(slot)}.pem`, x509.PemConverter.encode(der, 'CERTIFICATE'));
          const v = openssl(['verify', '-CAfile', root, '-untrusted', issuing, leaf]);
          expect([slotName(slot), v.status, v.out.trim()]).toEqual([slotName(slot), 0, `${leaf}: OK`]);
          const t = certText(der);
          expect(t).toContain(`URI:${PUBLIC}/crl/scm-issuing.crl`);
          expect(t).toContain(`CA Issuers - URI:${PUBLIC}/ca/scm-issuing.crt`);
          expect(t).toContain(`Issuer: O = SCM Test, CN = SCM Test Issuing CA 1`);
          // The card's private key matches the certificate.
          expect(vsc.hasPrivateKey(slot)).toBe(true);
          switch (slot) {
            case 0x9a:
              expect(t).toMatch(/X509v3 Key Usage: critical\s+Digital Signature\n/);
              expect(t).toMatch(/Microsoft Smartcard Login/);
              expect(t).toMatch(/TLS Web Client Authentication/);
              expect(t).toContain(`othername: UPN::${h.upn}`);
              expect(t).toContain(`URI:urn:uuid:${vscId}`);
              expect(t).toContain(`CN = "${h.name}, jr."`);
              break;
            case 0x9c:
              expect(t).toMatch(/Digital Signature, Non Repudiation/);
              expect(t).toMatch(/E-mail Protection/);
              expect(t).toContain(`email:${h.email}`);
              break;
            case 0x9d:
              expect(t).toMatch(/X509v3 Key Usage: critical\s+Key Encipherment/);
              expect(t).toMatch(/E-mail Protection/);
              expect(t).toContain(`email:${h.email}`);
              expect(t).toMatch(/Public-Key: \(2048 bit\)/);
              break;
            case 0x9e:
              expect(t).toContain('2.16.840.1.101.3.6.8');
              expect(t).toContain(`Subject: CN = ${vscId}`);
              expect(t).not.toMatch(/UPN|email:/);
              break;
          }
        }
      } finally {
        vsc.close();
      }
    }
  });

  it('writes a CHUID signed by the content signer with the VSC id as GUID, and a Security Object over CHUID, CCC and Discovery', async () => {
    const chain = await caChain(front);
    for (const rq of accepted.requests) {
      const vscId = (await call<{ vsc: { id: string } }>(front.url, 'GET', `/api/v1/issuance-requests/${rq.id}`, off.token)).body.vsc.id;
      const vsc = await openEscrow(vscDeps.deps, vscId);
      try {
        const obj = (name: string) => {
          const o = vsc.getObject(name);
          if (o?.kind !== 'data' || o.area !== 'public') throw new Error(`no public ${name}`);
          return Buffer.from(o.value);
        };
        const chuid = await verifyChuid(obj('piv-chuid'), { trustedIssuers: [chain.issuingCert] });
        expect(chuid.guid).toBe(vscId);
        expect(chuid.signer.subject).toContain('PIV Content Signer');
        const covered = await verifySecurityObject(
          obj('piv-security-object'),
          [
            { containerId: PIV_CONTAINER.chuid, value: obj('piv-chuid') },
            { containerId: PIV_CONTAINER.ccc, value: obj('piv-ccc') },
            { containerId: PIV_CONTAINER.discovery, value: obj('piv-discovery') },
          ],
          { trustedIssuers: [chain.issuingCert] },
        );
        expect(covered.covered.sort()).toEqual([PIV_CONTAINER.chuid, PIV_CONTAINER.discovery, PIV_CONTAINER.ccc].sort());
        // The CCC's card id is the GUID's first 14 bytes: unique per card.
        expect(obj('piv-ccc').toString('hex')).toContain(vscId.replace(/-/g, '').slice(0, 28));
      } finally {
        vsc.close();
      }
    }
  });

  it('leaves on-card slots without a private key anywhere: not in the VSC, not in the database', async () => {
    const db = await appDb();
    try {
      for (const rq of accepted.requests.filter((x) => x.profileId === 'default')) {
        const vscId = (await call<{ vsc: { id: string } }>(front.url, 'GET', `/api/v1/issuance-requests/${rq.id}`, off.token)).body.vsc.id;
        const vsc = await openEscrow(vscDeps.deps, vscId);
        try {
          for (const slot of [0x9a, 0x9c, 0x9e]) {
            expect([slotName(slot), vsc.hasPrivateKey(slot), vsc.publicKey(slot), vsc.certificate(slot)]).toEqual([
              slotName(slot),
              false,
              undefined,
              undefined,
            ]);
          }
          expect(vsc.publicKey(0x9d)?.escrow).toBe('escrow');
        } finally {
          vsc.close();
        }
        const certs = await db.query(`SELECT reference->>'slot' AS slot FROM ca_certificate WHERE reference->>'requestId' = $1`, [rq.id]);
        expect(certs.rows.map((c: { slot: string }) => c.slot)).toEqual(['9d']);
      }
    } finally {
      await db.end();
    }
  });

  it('puts a request in the pool of card jobs only once its escrow is committed, and queues nothing for workers', async () => {
    const db = await appDb();
    try {
      for (const rq of accepted.requests) {
        const r = await db.query(
          `SELECT v.escrowed_at, (SELECT at FROM issuance_request_event WHERE request_id = $1 AND to_state = 'awaiting-card') AS awaiting_at
             FROM vsc s JOIN vsc_version v ON v.vsc_id = s.id WHERE s.request_id = $1`,
          [rq.id],
        );
        expect(r.rowCount).toBe(1);
        const row = r.rows[0] as { escrowed_at: Date; awaiting_at: Date };
        // Invariant 1: the request can be leased to a worker only from the transaction that followed the escrow commit.
        expect(row.escrowed_at.getTime()).toBeLessThan(row.awaiting_at.getTime());
        // Card jobs never go through Redis: the API leases them from PostgreSQL.
        const queued = await db.query(`SELECT job_id FROM outbox WHERE payload->>'requestId' = $1`, [rq.id]);
        expect(queued.rows.map((x: { job_id: string }) => x.job_id)).toEqual([`generate-keys|requestId=${rq.id}`]);
      }
      const keygenJobs = await db.query(`SELECT count(*)::int AS n FROM outbox WHERE job_id = ANY($1::text[]) AND done_at IS NOT NULL`, [
        accepted.requests.map((x) => `generate-keys|requestId=${x.id}`),
      ]);
      expect(keygenJobs.rows[0].n).toBe(6);
    } finally {
      await db.end();
    }
  });

  it('keeps no private key and no PUK in clear in PostgreSQL or Redis', async () => {
    // What must not leak: each escrowed key (PKCS#8, and its secret numbers) and each card PUK.
    const needles: Array<{ what: string; hex: string }> = [];
    for (const rq of accepted.requests) {
      const vscId = (await call<{ vsc: { id: string } }>(front.url, 'GET', `/api/v1/issuance-requests/${rq.id}`, off.token)).body.vsc.id;
      const vsc = await openEscrow(vscDeps.deps, vscId);
      try {
        for (const slot of [0x9a, 0x9c, 0x9d, 0x9e].filter((s) => vsc.hasPrivateKey(s))) {
          const key = vsc.exportPrivateKeyForIssuance(slot, { requestId: rq.id });
          // The secret numbers (a PKCS#8 of an EC key also carries the public point, which the certificate holds).
          const jwk = key.export({ format: 'jwk' });
          for (const part of ['d', 'p', 'q'] as const) {
            if (jwk[part])
              needles.push({
                what: `${rq.id} ${slotName(slot)} ${part}`,
                hex: Buffer.from(jwk[part]!, 'base64url').subarray(0, 24).toString('hex'),
              });
          }
        }
        const puk = vsc.cardCredentials().puk!;
        expect(puk.subarray(0, 8).toString('latin1')).toMatch(/^\d{8}$/);
        needles.push({ what: `${rq.id} PUK`, hex: puk.toString('hex') });
        needles.push({ what: `${rq.id} PUK text`, hex: Buffer.from(`"${puk.toString('latin1')}"`).toString('hex') });
        needles.push({ what: `${rq.id} PUK base64`, hex: Buffer.from(puk.toString('base64')).toString('hex') });
      } finally {
        vsc.close();
      }
    }
    // A plain-text dump: bytea comes out as hex, text as itself (hex-encoded here for one search).
    const dump = execFileSync(
      'pg_dump',
      ['--data-only', '-U', 'postgres', '-h', '127.0.0.1', `--dbname=${new URL(testEnv.SCM_DATABASE_URL).pathname.slice(1)}`],
      {
        maxBuffer: 512 * 1024 * 1024,
        stdio: ['ignore', 'pipe', 'ignore'],
      },
    );
    const dumpHex = dump.toString('hex');
    const dumpText = dump.toString('latin1').toLowerCase();
    const redis = new Redis(testEnv.SCM_REDIS_URL);
    let redisHex = '';
    try {
      for (const key of await redis.keys('*')) {
        const type = await redis.type(key);
        const parts: string[] =
          type === 'string'
            ? [(await redis.get(key)) ?? '']
            : type === 'hash'
              ? Object.entries(await redis.hgetall(key)).flat()
              : type === 'list'
                ? await redis.lrange(key, 0, -1)
                : type === 'zset'
                  ? await redis.zrange(key, 0, -1)
                  : type === 'set'
                    ? await redis.smembers(key)
                    : type === 'stream'
                      ? (await redis.xrange(key, '-', '+')).flatMap(([, f]) => f)
                      : [];
        redisHex += Buffer.from(key + parts.join('\n')).toString('hex');
      }
    } finally {
      redis.disconnect();
    }
    expect(dump.length).toBeGreaterThan(10_000);
    expect(redisHex.length).toBeGreaterThan(1_000);
    for (const n of needles) {
      expect([n.what, dumpHex.includes(n.hex), dumpText.includes(n.hex), redisHex.includes(n.hex)]).toEqual([n.what, false, false, false]);
    }
    // The same search finds what is there: a request id, and a certificate's public key.
    expect(dumpText).toContain(accepted.requests[0].id);
    expect(needles.length).toBeGreaterThan(20);
  });

  it('answers a batch reference sent again with the first batch, not a second one', async () => {
    const more = people(2);
    const ids = (await call<{ ids: string[] }>(front.url, 'POST', '/api/v1/cardholders/import', off.token, { cardholders: more })).body.ids;
    const ref = `hr-${randomUUID()}`;
    const body = { reference: ref, requests: ids.map((cardholder) => ({ cardholder })) };
    const first = await call<Accepted & { existing: boolean }>(front.url, 'POST', '/api/v1/issuance-batches', off.token, body);
    const again = await call<Accepted & { existing: boolean }>(front.url, 'POST', '/api/v1/issuance-batches', off.token, body);
    expect([first.status, first.body.existing, again.status, again.body.existing]).toEqual([201, false, 200, true]);
    expect(again.body.batchId).toBe(first.body.batchId);
    expect(again.body.requests.map((r) => r.id).sort()).toEqual(first.body.requests.map((r) => r.id).sort());
  });

  it('counts accepted requests and key-generation runs in the metrics', async () => {
    const text = await (await fetch(`${front.url}/metrics`)).text();
    const accepted = Number(/^scm_issuance_requests_total\{event="accepted"\} (\d+)$/m.exec(text)?.[1]);
    expect(accepted).toBeGreaterThanOrEqual(8);
    const runs = Number(/^scm_issuance_keygen_seconds_count\{outcome="generated"\} (\d+)$/m.exec(text)?.[1]);
    expect(runs).toBeGreaterThanOrEqual(6);
  });
});
