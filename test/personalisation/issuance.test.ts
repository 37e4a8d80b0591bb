import { X509Certificate } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HsmContext, hsmSettingsFrom } from '@scm/hsm';
import { ManagementKeyDiversifier, PukVault } from '@scm/card-secrets';
import { KEY_REF, ManagementKeyRejectedError, SLOT, SoftwareManagementKey, DEFAULTS } from '@scm/piv';
import { call, reauth, runCli, TEST_PASSWORD, testEnv } from '@scm/test-kit';
import { HsmKeyProtector, VirtualSmartCard } from '@scm/vsc';
import { expectOk, OPENSC_PKCS11, runTool } from '../card-engine/support';
import { bytesSecret, digitsSecret, dumpDatabase, dumpRedis, findSecrets, privateKeySecret, type Secret } from './secret-scan';
import {
  blankCard,
  cardholders,
  diagnose,
  directSession,
  feedCards,
  insert,
  insertInspected,
  issueBatch,
  remove,
  requests,
  type Stack,
  startStack,
  type TestCard,
  testReader,
  waitFor,
  waitForRequests,
} from './support';

/**
 * Issue 7 end to end on the real parts: a batch personalised across the readers of two
 * workstations (pcscd + vpcd, software cards), every card read by OpenSC with a signature checked
 * by openssl, on-card keys matching their certificates, activation at a workstation with a PIN
 * OpenSC then accepts, `scm issue --watch`, and a secret scan of PostgreSQL, Redis and the logs.
 */
const BATCH = process.env.SCM_LONG_TESTS === '1' ? 12 : 6;
const READERS = [testReader(0, 0), testReader(0, 1), testReader(1, 0), testReader(1, 1)];
const ACTIVATION_PIN = '58273946';
/** A PIN per card that the rules accept (the test must know them; a cardholder would choose). */
const pinFor = (serial: string): string => `7${serial.slice(-5)}${serial.slice(-1) === '9' ? '20' : '93'}`;
const SLOTS = { '9a': SLOT.AUTHENTICATION, '9c': SLOT.SIGNATURE, '9d': SLOT.KEY_MANAGEMENT, '9e': SLOT.CARD_AUTH } as const;
const OPENSC_ID = { '9a': '01', '9c': '02', '9d': '03', '9e': '04' } as const;

describe('issuance part 2: a batch on two workstations, OpenSC, activation', () => {
  let s: Stack;
  let batch: { batchId: string; requestIds: string[] };
  let cards: TestCard[] = [];
  let tmp: string;
  let cliOutput = '';
  const pins = new Map<string, string>();

  beforeAll(async () => {
    tmp = mkdtempSync(join(tmpdir(), 'scm-issuance2-'));
    writeFileSync(join(tmp, 'data.txt'), 'signed by a card SCM issued\n');
    s = await startStack([0, 1], { ownProcess: true, apiEnv: { SCM_LOG_LEVEL: 'debug' }, workerEnv: { SCM_LOG_LEVEL: 'debug' } });
  }, 120_000);

  afterAll(async () => {
    for (const c of cards) await remove(c).catch(() => undefined);
    await s?.close();
    rmSync(tmp, { recursive: true, force: true });
  });

  it('issues a batch across the readers of two workstations: every request on exactly one card', async () => {
    const holders = await cardholders(s, BATCH);
    batch = await issueBatch(s, holders);
    await waitForRequests(s.db, batch.requestIds, ['awaiting-card', 'personalising', 'verifying', 'issued'], 90_000);
    cards = await feedCards(s.db, READERS, BATCH, { timeoutMs: 200_000, diagnose: () => diagnose(s, batch.requestIds) });
    const rows = await requests(s.db, batch.requestIds);
    expect(rows.map((r) => r.state)).toEqual(rows.map(() => 'issued'));
    expect(rows.map((r) => r.card_state)).toEqual(rows.map(() => 'issued'));
    const serials = rows.map((r) => r.serial);
    expect(new Set(serials).size).toBe(BATCH);
    expect(new Set(cards.map((c) => c.serial))).toEqual(new Set(serials));
    // Both workstations took part, and no request ever had a second (non-spoiled) card.
    const byWorker = await s.db.query<{ n: number }>(
      `SELECT count(DISTINCT worker_id)::int AS n FROM personalisation_step WHERE request_id = ANY($1::uuid[]) AND step = 'claim'`,
      [batch.requestIds],
    );
    expect(byWorker.rows[0].n).toBe(2);
    const perRequest = await s.db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM card WHERE request_id = ANY($1::uuid[]) GROUP BY request_id`,
      [batch.requestIds],
    );
    expect(perRequest.rows.every((r) => r.n === 1)).toBe(true);
    // Every step of every card is in the audit chain, and each attempt followed its plan to the end.
    const audited = await s.db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM audit_event WHERE action = 'card.issued' AND details->>'requestId' = ANY($1::text[])`,
      [batch.requestIds],
    );
    expect(audited.rows[0].n).toBe(BATCH);
    const plans = await s.db.query<{ steps_done: number; steps_total: number }>(
      `SELECT steps_done, steps_total FROM personalisation WHERE request_id = ANY($1::uuid[])`,
      [batch.requestIds],
    );
    expect(plans.rows.every((p) => p.steps_total === 19 && p.steps_done === p.steps_total)).toBe(true);
    // The package came with the claim: no attempt fetched it on its own, and each release is audited.
    const ended = [...s.workers.values()]
      .flatMap((w) => w.log().split('\n'))
      .filter((l) => l.includes('"msg":"personalisation attempt ended"') && l.includes('"outcome":"issued"'))
      .map((l) => (JSON.parse(l) as { calls: Record<string, string> }).calls);
    expect(ended.length).toBeGreaterThanOrEqual(BATCH);
    for (const calls of ended) {
      expect(calls).toHaveProperty(['personalisation/claims']);
      expect(calls).not.toHaveProperty(['issuance-requests/:id/personalisation']);
    }
    const released = await s.db.query<{ n: number }>(
      `SELECT count(DISTINCT target_id)::int AS n FROM audit_event
        WHERE action = 'issuance-request.key-material-released' AND outcome = 'success' AND target_id = ANY($1::text[])`,
      [batch.requestIds],
    );
    expect(released.rows[0].n).toBe(BATCH);
  }, 300_000);

  it('holds on each card the keys its certificates name, under certificates that chain to the issuing CA; the transport key is gone', async () => {
    const ca = await s.db.query<{ role: string; der: Buffer }>(`SELECT role, der FROM ca_authority WHERE role IN ('root', 'issuing')`);
    const root = ca.rows.find((r) => r.role === 'root')!.der;
    const issuing = ca.rows.find((r) => r.role === 'issuing')!.der;
    writeFileSync(join(tmp, 'root.pem'), new X509Certificate(root).toString());
    writeFileSync(join(tmp, 'issuing.pem'), new X509Certificate(issuing).toString());
    const reader = READERS[2];
    for (const c of cards) {
      await insertInspected(s, c, reader);
      try {
        const session = await directSession(c);
        const chuid = await session.readChuid();
        const vsc = await s.db.query<{ id: string }>(`SELECT v.id FROM vsc v JOIN card k ON k.vsc_id = v.id WHERE k.serial = $1`, [
          c.serial,
        ]);
        expect(chuid && Buffer.from(chuid.guid).toString('hex')).toBe(vsc.rows[0].id.replace(/-/g, ''));
        for (const [name, slot] of Object.entries(SLOTS)) {
          const der = (await session.readCertificate(slot))!.der;
          const cert = new X509Certificate(Buffer.from(der));
          const onCard = (await session.getMetadata(slot)).publicKey!.spki;
          expect([name, Buffer.from(onCard).equals(cert.publicKey.export({ format: 'der', type: 'spki' }))]).toEqual([name, true]);
          expect(cert.verify(new X509Certificate(issuing).publicKey)).toBe(true);
          // What SCM recorded is what the card holds.
          const recorded = await s.db.query<{ der: Buffer; status: string }>(`SELECT der, status FROM ca_certificate WHERE serial = $1`, [
            cert.serialNumber.toLowerCase(),
          ]);
          expect(recorded.rows[0]).toMatchObject({ status: 'valid' });
          expect(recorded.rows[0].der.equals(Buffer.from(der))).toBe(true);
        }
        writeFileSync(
          join(tmp, `9a-${c.serial}.pem`),
          new X509Certificate(Buffer.from((await session.readCertificate(SLOTS['9a']))!.der)).toString(),
        );
        const v = await runTool('openssl', ['verify', '-CAfile', 'root.pem', '-untrusted', 'issuing.pem', `9a-${c.serial}.pem`], {
          cwd: tmp,
        });
        expect(v.stdout).toContain(': OK');
        // 9A, 9C, 9E were generated by the card; 9D (escrow) was imported.
        expect((await session.getMetadata(SLOTS['9a'])).origin).toBe('generated');
        expect((await session.getMetadata(SLOTS['9d'])).origin).toBe('imported');
        await expect(session.authenticate(new SoftwareManagementKey(DEFAULTS.MANAGEMENT_KEY))).rejects.toBeInstanceOf(
          ManagementKeyRejectedError,
        );
        expect((await session.getMetadata(KEY_REF.PIN)).isDefault).toBe(false);
        expect((await session.getMetadata(KEY_REF.PUK)).isDefault).toBe(false);
      } finally {
        await remove(c);
      }
    }
  });

  it('activates a card: the PIN typed at the workstation goes to the card, the card is active, OpenSC accepts the PIN', async () => {
    const c = cards[0];
    const reader = testReader(1, 0);
    const worker = s.workers.get(1)!;
    await insertInspected(s, c, reader);
    try {
      const socket = join(worker.stateDir, 'worker', 'ws1.activation.sock');
      // Without an open session the worker refuses to prompt.
      const early = await runCli(['activate', '--card', c.serial, '--socket', socket, '--pin-stdin'], { input: `${ACTIVATION_PIN}\n` });
      expect(early.code).not.toBe(0);
      expect(early.stderr).toMatch(/no officer opened an activation/);
      // The officer who requested the card may not open its activation (separation of duties).
      const byRequester = await runCli(
        ['activation', 'start', '--card', c.serial, '--workstation', '1', '--identity-check', 'passport seen in person'],
        { env: { ...s.cliEnv, SCM_PASSWORD: TEST_PASSWORD } },
      );
      expect(byRequester.code).not.toBe(0);
      expect(byRequester.stderr).toContain('[personalisation.activator-is-requester]');
      // A second officer checks identity and opens a session for workstation 1 (not 0).
      const wrongWs = await runCli(
        ['activation', 'start', '--card', c.serial, '--workstation', '0', '--identity-check', 'passport seen in person', '--json'],
        { env: s.second.cliEnv },
      );
      expect(wrongWs.code).toBe(0);
      const refused = await runCli(['activate', '--card', c.serial, '--socket', socket, '--pin-stdin'], { input: `${ACTIVATION_PIN}\n` });
      expect(refused.stderr).toMatch(/no officer opened an activation/);
      const id0 = (JSON.parse(wrongWs.stdout) as { id: string }).id;
      expect((await runCli(['activation', 'cancel', id0], { env: s.second.cliEnv })).code).toBe(0);
      const started = await runCli(
        ['activation', 'start', '--card', c.serial, '--workstation', '1', '--identity-check', 'passport seen in person'],
        { env: s.second.cliEnv },
      );
      expect(started.code).toBe(0);
      const weak = await runCli(['activate', '--card', c.serial, '--socket', socket, '--pin-stdin'], { input: '123456\n' });
      expect(weak.stderr).toMatch(/consecutive/);
      const act = await runCli(['activate', '--card', c.serial, '--socket', socket, '--pin-stdin'], { input: `${ACTIVATION_PIN}\n` });
      cliOutput += act.stdout + act.stderr + started.stdout + started.stderr;
      expect([act.code, act.stdout]).toEqual([0, `card ${c.serial} is active: its PIN is set\n`]);
      pins.set(c.serial, ACTIVATION_PIN);
      const row = await s.db.query<{ state: string }>(`SELECT state FROM card WHERE serial = $1`, [c.serial]);
      expect(row.rows[0].state).toBe('active');
      const audit = await s.db.query<{ action: string; outcome: string }>(
        `SELECT action, outcome FROM audit_event WHERE target_id = (SELECT id::text FROM card WHERE serial = $1) AND action LIKE 'card.%' ORDER BY entry`,
        [c.serial],
      );
      expect(audit.rows.map((r) => `${r.action}:${r.outcome}`)).toEqual(
        expect.arrayContaining([
          'card.activation-started:success',
          'card.puk-released:success',
          'card.active:success',
          'card.activated:success',
        ]),
      );
      // OpenSC: the cardholder's PIN logs in and signs with 9A; openssl verifies with the 9A certificate.
      const holder = await s.db.query<{ name: string }>(
        `SELECT ch.name FROM card k JOIN cardholder ch ON ch.id = k.cardholder_id WHERE k.serial = $1`,
        [c.serial],
      );
      const sign = await runTool(
        'pkcs11-tool',
        [
          '--module',
          OPENSC_PKCS11,
          '--token-label',
          holder.rows[0].name,
          '--login',
          '--pin',
          ACTIVATION_PIN,
          '--sign',
          '--id',
          '01',
          '-m',
          'ECDSA-SHA256',
          '--signature-format',
          'openssl',
          '-i',
          'data.txt',
          '-o',
          'act.sig',
        ],
        { reader, cwd: tmp },
      );
      expectOk(sign, 'pkcs11-tool --login --sign 9A');
      const cert = expectOk(
        await runTool('pkcs15-tool', ['--reader', reader.name, '--read-certificate', OPENSC_ID['9a']], { reader }),
        'read 9A',
      ).stdout;
      writeFileSync(join(tmp, 'act.pem'), cert);
      expectOk(await runTool('openssl', ['x509', '-in', 'act.pem', '-pubkey', '-noout', '-out', 'act.pub'], { cwd: tmp }), 'pubkey');
      expect(
        (await runTool('openssl', ['dgst', '-sha256', '-verify', 'act.pub', '-signature', 'act.sig', 'data.txt'], { cwd: tmp })).stdout,
      ).toContain('Verified OK');
      const wrong = await runTool(
        'pkcs11-tool',
        ['--module', OPENSC_PKCS11, '--token-label', holder.rows[0].name, '--login', '--pin', '49382716', '--test'],
        { reader, cwd: tmp },
      );
      expect(wrong.code).not.toBe(0);
    } finally {
      await remove(c);
    }
  });

  it('every card, activated with its own PIN, reads in OpenSC: four certificates, a 9A signature openssl verifies with its certificate', async () => {
    const reader = testReader(0, 0);
    const worker = s.workers.get(0)!;
    const socket = join(worker.stateDir, 'worker', 'ws0.activation.sock');
    for (const c of cards) {
      await insertInspected(s, c, reader);
      try {
        let pin = pins.get(c.serial);
        if (!pin) {
          pin = pinFor(c.serial);
          await reauth(s.api.url, s.second.token);
          const r = await call<{ id: string }>(s.api.url, 'POST', '/api/v1/activations', s.second.token, {
            card: c.serial,
            workstation: 0,
            identityCheck: 'badge and passport at the desk',
          });
          expect(r.status).toBe(201);
          const act = await runCli(['activate', '--card', c.serial, '--socket', socket, '--pin-stdin'], { input: `${pin}\n` });
          // The worker's message is in stderr when it fails: shown by the comparison.
          expect([c.serial, act.code, act.code === 0 ? '' : act.stderr]).toEqual([c.serial, 0, '']);
          cliOutput += act.stdout + act.stderr;
          pins.set(c.serial, pin);
        }
        const list = expectOk(
          await runTool('pkcs15-tool', ['--reader', reader.name, '--list-certificates'], { reader }),
          'pkcs15-tool',
        ).stdout;
        expect((list.match(/X\.509 Certificate \[/g) ?? []).length).toBe(4);
        const cert = expectOk(
          await runTool('pkcs15-tool', ['--reader', reader.name, '--read-certificate', OPENSC_ID['9a']], { reader }),
          'read 9A',
        ).stdout;
        writeFileSync(join(tmp, `9a-${c.serial}.pem`), cert);
        expectOk(
          await runTool(
            'pkcs11-tool',
            [
              '--module',
              OPENSC_PKCS11,
              '--login',
              '--pin',
              pin,
              '--sign',
              '--id',
              OPENSC_ID['9a'],
              '-m',
              'ECDSA-SHA256',
              '--signature-format',
              'openssl',
              '-i',
              'data.txt',
              '-o',
              `sig-${c.serial}.bin`,
            ],
            { reader, cwd: tmp },
          ),
          'pkcs11-tool sign 9A',
        );
        expectOk(
          await runTool('openssl', ['x509', '-in', `9a-${c.serial}.pem`, '-pubkey', '-noout', '-out', `9a-${c.serial}.pub`], { cwd: tmp }),
          'openssl x509',
        );
        const v = await runTool(
          'openssl',
          ['dgst', '-sha256', '-verify', `9a-${c.serial}.pub`, '-signature', `sig-${c.serial}.bin`, 'data.txt'],
          { cwd: tmp },
        );
        expect([c.serial, v.stdout]).toEqual([c.serial, expect.stringContaining('Verified OK')]);
      } finally {
        await remove(c);
      }
    }
    const active = await s.db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM card WHERE serial = ANY($1::text[]) AND state = 'active'`,
      [cards.map((c) => c.serial)],
    );
    expect(active.rows[0].n).toBe(cards.length);
  }, 300_000);

  it('bin/scm issue --watch draws a progress bar per card and one for the batch until the card is issued', async () => {
    const [holder] = await cardholders(s, 1);
    const card = blankCard();
    const watch = runCli(['issue', '--cardholder', holder, '--watch'], { env: s.cliEnv, timeoutMs: 120_000 });
    await waitFor('the request to wait for a card', async () => {
      const r = await s.db.query(`SELECT 1 FROM issuance_request WHERE cardholder_id = $1 AND state = 'awaiting-card'`, [holder]);
      return r.rowCount ? true : undefined;
    });
    await insert(card, READERS[1]);
    try {
      const out = await watch;
      cliOutput += out.stdout + out.stderr;
      expect(out.code).toBe(0);
      expect(out.stdout).toMatch(/\[#{24}\] 19\/19 {2}\d+ +Holder .* issued/);
      expect(out.stdout).toMatch(/\[[#-]{24}\] +\d+\/19 .*personalising · /);
      expect(out.stdout).toMatch(/\[#{24}\] 1\/1 issued\n$/);
      cards.push(card);
    } finally {
      await remove(card);
    }
  });

  it('leaves no plaintext private key, PIN, PUK or management key in PostgreSQL, Redis or the logs', async () => {
    const hsm = HsmContext.open(
      hsmSettingsFrom({
        SCM_PKCS11_MODULE: '/usr/lib/softhsm/libsofthsm2.so',
        SCM_PKCS11_TOKEN_LABEL: testEnv.SCM_PKCS11_TOKEN_LABEL,
        SCM_PKCS11_SLOT: -1,
        SCM_PKCS11_PIN: '',
        SCM_PKCS11_PIN_FILE: '',
        SCM_STATE_DIR: testEnv.SCM_STATE_DIR,
      }),
    );
    const secrets: Secret[] = [...pins].map(([serial, pin]) => digitsSecret(`PIN of ${serial}`, pin));
    try {
      const rows = await s.db.query<{
        card_id: string;
        serial: string;
        request_id: string;
        vsc_id: string;
        puk_sealed: Buffer;
        content: Buffer;
        profile: { managementKey: { algorithm: string } };
      }>(
        `SELECT k.id AS card_id, k.serial, k.request_id, k.vsc_id, cc.puk_sealed, vv.content, r.profile
           FROM card k JOIN card_credential cc ON cc.card_id = k.id JOIN vsc v ON v.id = k.vsc_id
           JOIN vsc_version vv ON vv.vsc_id = v.id AND vv.version = v.current_version JOIN issuance_request r ON r.id = k.request_id
          WHERE k.serial = ANY($1::text[])`,
        [cards.map((c) => c.serial)],
      );
      expect(rows.rowCount).toBe(cards.length);
      for (const r of rows.rows) {
        const puk = await new PukVault(hsm).open(r.puk_sealed, r.card_id);
        secrets.push(digitsSecret(`PUK of ${r.serial}`, puk.subarray(0, puk.indexOf(0xff) < 0 ? 8 : puk.indexOf(0xff)).toString('latin1')));
        const mk = await new ManagementKeyDiversifier(hsm).exportForCard(
          { serial: r.serial, guid: r.vsc_id },
          r.profile.managementKey.algorithm as 'aes192',
        );
        secrets.push(bytesSecret(`management key of ${r.serial}`, mk));
        const vsc = await VirtualSmartCard.load(r.content, { protector: new HsmKeyProtector(hsm) });
        await vsc.openWithRecovery();
        try {
          secrets.push(
            ...privateKeySecret(`9D key of ${r.serial}`, vsc.exportPrivateKeyForIssuance(SLOTS['9d'], { requestId: r.request_id })),
          );
        } finally {
          vsc.close();
        }
      }
      // The scanner finds what it looks for (a scan that cannot fail proves nothing).
      const pukSecret = secrets.find((x) => x.what.startsWith('PUK'))!;
      const keySecret = secrets.find((x) => x.what.startsWith('management key'))!;
      expect(findSecrets(`x ${pukSecret.digits} y ${keySecret.forms[0]}`, secrets).sort()).toEqual([keySecret.what, pukSecret.what].sort());
      expect(findSecrets(`x1${pukSecret.digits}2 y`, secrets)).toEqual([]);
      const pg = await dumpDatabase();
      expect(pg).toContain('card_credential');
      const redis = await dumpRedis();
      const logs = [s.apiLog(), ...[...s.workers.values()].map((w) => w.log()), cliOutput].join('\n');
      expect(logs).toContain('personalisation attempt ended');
      expect({ postgres: findSecrets(pg, secrets), redis: findSecrets(redis, secrets), logs: findSecrets(logs, secrets) }).toEqual({
        postgres: [],
        redis: [],
        logs: [],
      });
      // And the wrapped transfers really were used: the audit names the releases, never the keys.
      const released = await s.db.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM audit_event WHERE action IN ('issuance-request.key-material-released', 'card.management-key-released')`,
      );
      expect(released.rows[0].n).toBeGreaterThanOrEqual(2 * cards.length);
    } finally {
      hsm.close();
    }
  });
});
