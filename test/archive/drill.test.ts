import { type ChildProcess, execFileSync, spawn, spawnSync } from 'node:child_process';
import { constants, createPublicKey, publicEncrypt, randomBytes, X509Certificate } from 'node:crypto';
import { chmodSync, copyFileSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { HsmContext as Hsm, type HsmContext } from '@scm/hsm';
import { HsmKeyProtector, VirtualSmartCard } from '@scm/vsc';
import {
  approveAs,
  appDb,
  call,
  createTestUser,
  loginAs,
  reauth,
  runCli,
  type RunningWorker,
  startApi,
  startApprovedWorker,
  TEST_PASSWORD,
  testEnv,
  testWorkstations,
  uniqueName,
  type RunningApi,
  waitFor,
} from '@scm/test-kit';
import { expectOk, OPENSC_PKCS11, runTool, testReader, waitForCard } from '../card-engine/support';
import globalSetup from '../kit/global-setup';
import { testHsmSettings } from '../hsm/support/settings';
import { SAMPLE_UPN } from '../../libs/archive/src/testing/fixtures';
import { escrowedCards, type EscrowedCard } from './support';

const PASSPHRASE = 'a drill passphrase, long enough';
/** The help desk's host: workstation 1's card worker serves the temporary card in its first vpcd reader. */
const HOST_READER = testReader(1, 0);
const TEMP_PIN = '70415263';
const ROOT = join(__dirname, '..', '..');
const db = new URL(testEnv.SCM_DATABASE_OWNER_URL).pathname.slice(1);

/** Drops the test database (the disaster). */
async function dropDatabase(): Promise<void> {
  const c = new Client({ connectionString: testEnv.SCM_DATABASE_ADMIN_URL });
  await c.connect();
  try {
    await c.query(`DROP DATABASE IF EXISTS "${db}" WITH (FORCE)`);
  } finally {
    await c.end();
  }
}

/** Opens a VSC content version through the HSM's recovery path (every GCM tag and the seal checked). */
async function opens(hsm: HsmContext, content: Buffer): Promise<void> {
  await VirtualSmartCard.check(content, { protector: new HsmKeyProtector(hsm) });
}

/**
 * The disaster recovery drill (`npm run drill` runs this file): a database and HSM token backup
 * restored after the database is lost; then, on an empty database with only the archive volumes,
 * the HSM token backup and its PIN, SCM rebuilds the escrow, cards and cardholders, verifies every
 * volume, says what it cannot rebuild, and the help desk recovers a card's decryption keys under
 * dual control from the rebuilt escrow; after the operator certifies the HSM's CA keys again and a
 * host is enrolled again, the help desk issues a temporary card from the archive copy, which OpenSC
 * uses with the escrowed decryption key.
 */
describe('disaster recovery drill: backup and restore; rebuild from the archive volumes alone', () => {
  let api: RunningApi | undefined;
  let host: (RunningWorker & { id: string }) | undefined;
  let serving: ChildProcess | undefined;
  let hsm: HsmContext;
  let cards: EscrowedCard[];
  const shelf = mkdtempSync(join(tmpdir(), 'scm-drill-shelf-'));
  const work = mkdtempSync(join(tmpdir(), 'scm-drill-'));
  let backupDir: string;
  const env = { SCM_BACKUP_PASSPHRASE: PASSPHRASE };

  beforeAll(async () => {
    // A database of its own making: the volumes of this drill start a chain at volume 1.
    await globalSetup();
    hsm = Hsm.open(testHsmSettings());
    cards = await escrowedCards(hsm, 2);
    api = await startApi({ SCM_ARCHIVE_DIR: shelf });
    const o = uniqueName('officer');
    await createTestUser(o, ['security-officer']);
    const officer = await loginAs(api.url, o);
    const sealed = await call<{ sealed: boolean; volume: number }>(api.url, 'POST', '/api/v1/archive/volumes', officer, {});
    expect(sealed.body).toMatchObject({ sealed: true, volume: 1 });
    // The certificate of the CA that certifies the archive key: what an auditor keeps beside the media.
    const der = Buffer.from(await (await fetch(`${api.url}/ca/scm-issuing.crt`)).arrayBuffer());
    writeFileSync(
      join(work, 'archive-ca.pem'),
      `-----BEGIN CERTIFICATE-----\n${der
        .toString('base64')
        .replace(/(.{64})/g, '$1\n')
        .trim()}\n-----END CERTIFICATE-----\n`,
    );
    await api.close();
    api = undefined;
  });
  afterAll(async () => {
    serving?.kill('SIGTERM');
    await host?.stop();
    await api?.close();
    // Leave a fresh test database, as the run's global set-up makes it, to the tests after this one.
    await globalSetup();
    hsm?.close();
    for (const d of [shelf, work]) {
      execFileSync('chmod', ['-R', 'u+w', d]);
      rmSync(d, { recursive: true, force: true });
    }
  });

  it('the offline verifier needs only the image, its sidecar and the archive CA certificate: no database, HSM, configuration or network', async () => {
    const alone = join(work, 'auditor');
    mkdirSync(alone);
    const image = readdirSync(shelf).find((n) => n.endsWith('.iso'))!;
    copyFileSync(join(shelf, image), join(alone, 'volume.iso'));
    copyFileSync(join(shelf, `${image}.sidecar.json`), join(alone, 'volume.iso.sidecar.json'));
    copyFileSync(join(work, 'archive-ca.pem'), join(alone, 'archive-ca.pem'));
    expect(readdirSync(alone).sort()).toEqual(['archive-ca.pem', 'volume.iso', 'volume.iso.sidecar.json']);
    const cli = join(__dirname, '..', '..', 'dist', 'apps', 'cli', 'src', 'main.js');
    const run = (args: string[]) =>
      spawnSync('unshare', ['--net', process.execPath, cli, 'archive', 'verify', ...args], {
        cwd: alone,
        // No SCM_* settings, no PostgreSQL or HSM configuration; no network at all (a namespace of its own).
        env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: alone, SOFTHSM2_CONF: join(alone, 'no-such.conf') },
        encoding: 'utf8',
      });
    const ok = run(['volume.iso', '--issuer-cert', 'archive-ca.pem']);
    expect([ok.status, ok.stderr]).toEqual([0, '']);
    expect(ok.stdout).toContain('chains to the issuer certificate given');
    expect(ok.stdout).toContain('2 of 2 VSC files have the hash, size and format the manifest says');
    expect(ok.stdout).toContain('OK: the volume verifies');
    // And it fails when a byte of the image changes.
    const changed = readFileSync(join(alone, 'volume.iso'));
    changed[changed.length - 2048 * 3] ^= 0xff;
    writeFileSync(join(alone, 'changed.iso'), changed);
    copyFileSync(join(alone, 'volume.iso.sidecar.json'), join(alone, 'changed.iso.sidecar.json'));
    const bad = run(['changed.iso', '--issuer-cert', 'archive-ca.pem']);
    expect([bad.status, bad.stdout]).toEqual([1, expect.stringContaining('VERIFICATION FAILED')]);
  });

  it('scm backup writes the database and the HSM token encrypted, with an authenticated manifest; nothing in plaintext', async () => {
    const r = await runCli(['backup', '--out', work, '--json'], { env });
    expect([r.code, r.stderr]).toEqual([0, '']);
    const out = JSON.parse(r.stdout) as { directory: string; manifest: { parts: Array<{ kind: string; file: string }> } };
    backupDir = out.directory;
    expect(out.manifest.parts.map((p) => p.kind)).toContain('database');
    expect(out.manifest.parts.filter((p) => p.kind === 'hsm-token-file').length).toBeGreaterThan(1);
    // The dump's plaintext (a custom-format archive starts "PGDMP") and the VSC bytes are nowhere in the backup.
    for (const f of readdirSync(backupDir)) {
      const bytes = readFileSync(join(backupDir, f));
      expect(bytes.includes(Buffer.from('PGDMP'))).toBe(false);
      expect(bytes.includes(cards[0].content.subarray(0, 64))).toBe(false);
      expect(bytes.includes(Buffer.from(cards[0].serial))).toBe(false);
    }
    const check = await runCli(['backup', 'check', backupDir], { env });
    expect([check.code, check.stdout]).toEqual([0, expect.stringContaining('OK: ')]);
    const wrong = await runCli(['backup', 'check', backupDir], { env: { SCM_BACKUP_PASSPHRASE: 'not the passphrase at all' } });
    expect([wrong.code, wrong.stderr]).toEqual([1, expect.stringContaining('backup.not-authentic')]);
  });

  it('a restore refuses a database that holds tables; after the database is dropped it restores it and a card still verifies', async () => {
    const refused = await runCli(['backup', 'restore', backupDir, '--only', 'database'], { env });
    expect([refused.code, refused.stderr]).toEqual([1, expect.stringContaining('backup.database-not-empty')]);

    await dropDatabase();
    const r = await runCli(['backup', 'restore', backupDir, '--only', 'database'], { env });
    expect([r.code, r.stderr]).toEqual([0, '']);
    const c = await appDb();
    try {
      const row = await c.query<{ content: Buffer; state: string }>(
        `SELECT v.content, c.state FROM card c JOIN vsc_version v ON v.vsc_id = c.vsc_id AND v.version = 1 WHERE c.serial = $1`,
        [cards[0].serial],
      );
      expect(row.rows).toHaveLength(1);
      expect(row.rows[0].content.equals(cards[0].content)).toBe(true);
      await opens(hsm, row.rows[0].content);
    } finally {
      await c.end();
    }
    const volumes = await runCli(['archive', 'volumes', '--check']);
    expect([volumes.code, volumes.stdout]).toEqual([0, expect.stringMatching(/\bok\b/)]);
    const audit = await runCli(['audit', 'verify']);
    expect(audit.code).toBe(0);
  });

  it('the HSM token restores from its backup into another token directory, and the archived VSCs open with it (verify --online)', async () => {
    const tokens = join(work, 'tokens');
    mkdirSync(tokens);
    const r = await runCli(['backup', 'restore', backupDir, '--only', 'hsm', '--token-dir', tokens], { env });
    expect([r.code, r.stderr]).toEqual([0, '']);
    const again = await runCli(['backup', 'restore', backupDir, '--only', 'hsm', '--token-dir', tokens], { env });
    expect([again.code, again.stderr]).toEqual([1, expect.stringContaining('backup.token-exists')]);
    const conf = join(work, 'softhsm2.conf');
    writeFileSync(conf, `directories.tokendir = ${tokens}\nobjectstore.backend = file\nlog.level = ERROR\n`);
    const image = join(
      shelf,
      readdirSync(shelf).find((n) => n.endsWith('.iso'))!,
    );
    // Only the restored token is visible to this process: its keys open every VSC of the volume.
    const online = await runCli(['archive', 'verify', image, '--online'], { env: { SOFTHSM2_CONF: conf } });
    expect([online.code, online.stdout]).toEqual([0, expect.stringMatching(/ok +vsc tags +2 of 2 VSC files pass the HSM checks/)]);
  });

  it('on an empty database, scm archive rebuild verifies every volume, rebuilds the escrow, cards and cardholders, and lists what it cannot', async () => {
    await dropDatabase();
    const setup = await runCli(['db', 'setup', '-q']);
    expect(setup.code).toBe(0);
    const r = await runCli(['archive', 'rebuild', shelf]);
    if (process.env.SCM_DRILL_REPORT) process.stdout.write(`\n--- scm archive rebuild ${shelf}\n${r.stdout}${r.stderr}\n`);
    expect([r.code, r.stderr]).toEqual([0, '']);
    expect(r.stdout).toMatch(/^ok {4}volume 1 /m);
    expect(r.stdout).toContain('rebuilt: 1 volumes, 2 VSC versions of 2 VSCs (escrow), 2 cards, 1 cardholders, 1 archive signer chains');
    expect(r.stdout).toContain('NOT rebuilt (not in the archive):');
    expect(r.stdout).toMatch(/audit history: .*seq \d+/);
    expect(r.stdout).toContain('requests in flight');
    const c = await appDb();
    try {
      for (const card of cards) {
        const row = await c.query<{ content: Buffer; state: string; name: string; upn: string | null }>(
          `SELECT v.content, c.state, h.name, h.upn FROM card c JOIN vsc_version v ON v.vsc_id = c.vsc_id AND v.version = 1
             JOIN cardholder h ON h.id = c.cardholder_id WHERE c.serial = $1 AND c.vsc_id = $2`,
          [card.serial, card.vscId],
        );
        // The cardholder as the PIV authentication certificate names them: CN and UPN.
        expect(row.rows).toEqual([expect.objectContaining({ state: 'issued', name: 'Sample Cardholder 9a', upn: SAMPLE_UPN })]);
        expect(row.rows[0].content.equals(card.content)).toBe(true);
        await opens(hsm, row.rows[0].content);
      }
      const ev = await c.query(`SELECT action FROM audit_event WHERE action = 'archive.rebuilt-from-volumes'`);
      expect(ev.rowCount).toBe(1);
    } finally {
      await c.end();
    }
    // A rebuild goes into an empty database only.
    const twice = await runCli(['archive', 'rebuild', shelf]);
    expect([twice.code, twice.stderr]).toEqual([1, expect.stringContaining('a rebuild goes into an empty database')]);
    // The rebuilt index serves the archive commands: the volume is where it is recorded, with its hash.
    const volumes = await runCli(['archive', 'volumes', '--check']);
    expect([volumes.code, volumes.stdout]).toEqual([0, expect.stringMatching(/\bok\b/)]);
  });

  it('the help desk recovers the lost card’s decryption key from the rebuilt escrow: two officers approve, a PKCS#12 holds the 9D key', async () => {
    api = await startApi({ SCM_ARCHIVE_DIR: shelf });
    const people = await Promise.all(
      ['helpdesk', 'approver', 'approver'].map(async (p, i) => {
        const name = uniqueName(p);
        await createTestUser(name, i === 0 ? ['help-desk', 'security-officer'] : ['security-officer']);
        return loginAs(api!.url, name);
      }),
    );
    const [helpdesk, ...approvers] = people;
    const req = await call<{ approvalId: string }>(api.url, 'POST', '/api/v1/key-recoveries', helpdesk, {
      card: cards[0].serial,
      reason: 'drill: the card is lost, read the cardholder’s old mail',
    });
    expect([req.status, req.body]).toEqual([expect.any(Number), expect.objectContaining({ approvalId: expect.any(String) })]);
    for (const a of approvers) expect((await approveAs(api.url, a, req.body.approvalId)).status).toBe(200);
    const rec = await call<{ id: string }>(api.url, 'GET', `/api/v1/key-recoveries?approval=${req.body.approvalId}`, helpdesk);
    expect(rec.status).toBe(200);
    await reauth(api.url, helpdesk);
    const password = 'a recovery passphrase of some length';
    const p12 = await call<{ pkcs12: string; keys: Array<{ slot: string }> }>(
      api.url,
      'POST',
      `/api/v1/key-recoveries/${rec.body.id}/pkcs12`,
      helpdesk,
      { password },
    );
    expect(p12.status).toBe(200);
    expect(p12.body.keys.map((k) => k.slot.toLowerCase())).toContain('9d');
    const file = join(work, 'keys.p12');
    writeFileSync(file, Buffer.from(p12.body.pkcs12, 'base64'));
    chmodSync(file, 0o600);
    const pem = execFileSync('openssl', ['pkcs12', '-in', file, '-passin', `pass:${password}`, '-nodes']).toString();
    expect(pem).toContain('PRIVATE KEY');
    await api.close();
    api = undefined;
    copyFileSync(file, join(work, 'delivered.p12'));
  });
  it('after scm ca init and a host enrolled again, the help desk reports the rebuilt card lost and issues a temporary card from its archive copy: OpenSC decrypts with the escrowed 9D key', async () => {
    // The operator: the CA keys are in the HSM, its records were not in the archive; certify them again (no key is made).
    const ca = await runCli(['ca', 'init']);
    expect([ca.code, ca.stderr]).toEqual([0, '']);
    expect(ca.stdout).toMatch(/scm-issuing: created/);
    api = await startApi({ SCM_ARCHIVE_DIR: shelf, SCM_OUTBOX_POLL_MS: '200' });
    // A new certificate for the same HSM key: what the auditor kept beside the media still names the key that signs.
    const before = new X509Certificate(readFileSync(join(work, 'archive-ca.pem')));
    const now = new X509Certificate(Buffer.from(await (await fetch(`${api.url}/ca/scm-issuing.crt`)).arrayBuffer()));
    expect(now.serialNumber).not.toBe(before.serialNumber);
    expect(now.publicKey.export({ type: 'spki', format: 'der' }).equals(before.publicKey.export({ type: 'spki', format: 'der' }))).toBe(
      true,
    );
    const session = async (prefix: string, roles: Parameters<typeof createTestUser>[1]) => {
      const name = uniqueName(prefix);
      await createTestUser(name, roles);
      const env = { SCM_API_URL: api!.url, SCM_CLI_SESSION_FILE: join(work, `${name}.session.json`), SCM_PASSWORD: TEST_PASSWORD };
      const login = await runCli(['login', '-u', name], { env });
      expect([login.code, login.stderr]).toEqual([0, '']);
      return { env, token: (JSON.parse(readFileSync(env.SCM_CLI_SESSION_FILE, 'utf8')) as { token: string }).token };
    };
    const [officer, helpdesk, ...approvers] = await Promise.all([
      session('officer', ['security-officer']),
      session('helpdesk', ['help-desk', 'security-officer']),
      session('approver', ['security-officer']),
      session('approver', ['security-officer']),
    ]);
    // Workers were not in the archive: the help desk's workstation is enrolled again (one officer's token, another approves).
    host = await startApprovedWorker(
      api,
      officer.token,
      testWorkstations().find((w) => w.id === HOST_READER.ws.id)!,
    );

    const card = cards[0];
    const lost = await call<{ cardState: string; certificates: string[] }>(api.url, 'POST', '/api/v1/card-reports', helpdesk.token, {
      card: card.serial,
      reason: 'lost',
    });
    // Its old certificates are not in the re-certified CA's index (not in the archive): the report revokes none (docs/operations.md).
    expect([lost.status, lost.body.cardState, lost.body.certificates]).toEqual([201, 'lost', []]);
    const req = await call<{ approvalId: string }>(api.url, 'POST', '/api/v1/temporary-cards', helpdesk.token, {
      card: card.serial,
      hostWorkerId: host.id,
      days: 2,
      from: 'archive',
    });
    expect([req.status, req.body]).toEqual([201, expect.objectContaining({ approvalId: expect.any(String) })]);
    // The requester does not approve; two other officers do, and the last approval makes it.
    expect((await approveAs(api.url, helpdesk.token, req.body.approvalId)).status).not.toBe(200);
    for (const a of approvers) {
      const r = await approveAs(api.url, a.token, req.body.approvalId);
      expect([r.status, r.body]).toEqual([200, expect.objectContaining({ status: expect.any(String) })]);
    }
    const db = await appDb();
    let tmpId: string;
    try {
      tmpId = (await db.query<{ id: string }>(`SELECT id FROM temporary_card WHERE approval_id = $1`, [req.body.approvalId])).rows[0].id;
      const made = await db.query<{ details: { source: { vscId: string; from: string; volume: number } } }>(
        `SELECT details FROM audit_event WHERE action = 'temporary-card.created' AND target_id = $1`,
        [tmpId],
      );
      // Read from the sealed volume itself (image, manifest signature and hashes checked), not from the rebuilt escrow rows.
      expect(made.rows[0].details.source).toEqual(expect.objectContaining({ vscId: card.vscId, from: 'archive', volume: 1 }));
    } finally {
      await db.end();
    }

    const act = await runCli(['temporary-card', 'activate', tmpId, '--identity-check', 'drill: badge photo compared', '--pin-stdin'], {
      env: helpdesk.env,
      input: `${TEMP_PIN}\n`,
    });
    expect([act.code, act.stderr]).toEqual([0, '']);

    let out = '';
    serving = spawn(join(ROOT, 'bin', 'scm'), ['temporary-card', 'serve', tmpId, '--port', String(HOST_READER.port)], {
      env: { ...process.env, ...testEnv, SCM_API_URL: api.url, SCM_STATE_DIR: host.stateDir, SCM_WORKSTATION: String(HOST_READER.ws.id) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    serving.stdout!.on('data', (d: Buffer) => (out += d.toString()));
    serving.stderr!.on('data', (d: Buffer) => (out += d.toString()));
    await waitFor('the host to serve the temporary card', async () => (/served in the vpcd reader/.test(out) ? true : undefined), 30_000);
    await waitForCard(HOST_READER, true);
    await waitFor(
      'the host’s worker to look at the card',
      async () => (/"state":"other","msg":"card inspected"/.test(host!.log()) ? true : undefined),
      20_000,
    );

    // The archive's copy of the lost card's VSC, read from the image offline: its 9D key and certificate.
    const image = join(
      shelf,
      readdirSync(shelf).find((n) => n.endsWith('.iso'))!,
    );
    const extracted = join(work, 'archived.vsc');
    const ex = await runCli(['archive', 'extract', image, '--vsc', card.vscId, '--version', '1', '--out', extracted]);
    expect([ex.code, ex.stderr]).toEqual([0, '']);
    const archived = await VirtualSmartCard.load(readFileSync(extracted), { protector: new HsmKeyProtector(hsm) });
    const archivedKey = Buffer.from(archived.publicKey(0x9d)!.spki);
    const archivedCert = Buffer.from(archived.certificate(0x9d)!);
    archived.close();

    // OpenSC sees a PIV card: fresh 9A, 9C and 9E certificates (the default profile's slots) and the recovered 9D one; its token serial is the temporary card's GUID.
    const listed = expectOk(
      await runTool('pkcs15-tool', ['--reader', HOST_READER.name, '--list-certificates'], { reader: HOST_READER }),
      'pkcs15-tool --list-certificates',
    ).stdout;
    expect((listed.match(/X\.509 Certificate \[/g) ?? []).length).toBe(4);
    const token = expectOk(
      await runTool('pkcs11-tool', ['--module', OPENSC_PKCS11, '-L'], { reader: HOST_READER }),
      'pkcs11-tool -L',
    ).stdout;
    expect(token.toLowerCase()).toContain(`serial num         : ${tmpId.replace(/-/g, '').slice(16)}`);
    const pem = expectOk(
      await runTool('pkcs15-tool', ['--reader', HOST_READER.name, '--read-certificate', '03'], { reader: HOST_READER }),
      'pkcs15-tool --read-certificate 03',
    ).stdout;
    const onCard = new X509Certificate(pem);
    expect(onCard.raw.equals(archivedCert)).toBe(true);
    expect(onCard.publicKey.export({ type: 'spki', format: 'der' }).equals(archivedKey)).toBe(true);
    // The private key on the temporary card is the escrowed one: it decrypts what was encrypted to the archive's public key.
    const secret = randomBytes(32);
    writeFileSync(
      join(work, 'secret.enc'),
      publicEncrypt(
        { key: createPublicKey({ key: archivedKey, format: 'der', type: 'spki' }), padding: constants.RSA_PKCS1_PADDING },
        secret,
      ),
    );
    expectOk(
      await runTool(
        'pkcs11-tool',
        [
          '--module',
          OPENSC_PKCS11,
          '--login',
          '--pin',
          TEMP_PIN,
          '--decrypt',
          '--id',
          '03',
          '-m',
          'RSA-PKCS',
          '-i',
          'secret.enc',
          '-o',
          'secret.out',
        ],
        { reader: HOST_READER, cwd: work },
      ),
      'pkcs11-tool --decrypt with the recovered 9D key',
    );
    expect(readFileSync(join(work, 'secret.out')).equals(secret)).toBe(true);
    // Its 9A certificate is new, from the re-certified issuing CA, for the temporary card.
    const auth = new X509Certificate(
      expectOk(
        await runTool('pkcs15-tool', ['--reader', HOST_READER.name, '--read-certificate', '01'], { reader: HOST_READER }),
        'pkcs15-tool --read-certificate 01',
      ).stdout,
    );
    expect(auth.issuer).toContain('Issuing CA');
    expect(auth.subjectAltName?.toLowerCase()).toContain(tmpId);

    serving.kill('SIGTERM');
    await new Promise((r) => serving!.once('exit', r));
    serving = undefined;
    await waitForCard(HOST_READER, false);
    await host.stop();
    host = undefined;
    await api.close();
    api = undefined;
  }, 180_000);
});
