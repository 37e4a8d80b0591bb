import { execFileSync, spawnSync } from 'node:child_process';
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
  startApi,
  testEnv,
  uniqueName,
  type RunningApi,
} from '@scm/test-kit';
import globalSetup from '../kit/global-setup';
import { testHsmSettings } from '../hsm/support/settings';
import { escrowedCards, type EscrowedCard } from './support';

const PASSPHRASE = 'a drill passphrase, long enough';
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
 * dual control from the rebuilt escrow.
 */
describe('disaster recovery drill: backup and restore; rebuild from the archive volumes alone', () => {
  let api: RunningApi | undefined;
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
        const row = await c.query<{ content: Buffer; state: string; name: string }>(
          `SELECT v.content, c.state, h.name FROM card c JOIN vsc_version v ON v.vsc_id = c.vsc_id AND v.version = 1
             JOIN cardholder h ON h.id = c.cardholder_id WHERE c.serial = $1 AND c.vsc_id = $2`,
          [card.serial, card.vscId],
        );
        expect(row.rows).toEqual([expect.objectContaining({ state: 'issued', name: 'Sample Cardholder 9a' })]);
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
});
