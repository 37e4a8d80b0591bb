import { type ChildProcess, spawn } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { approveAs, call, runCli, testEnv } from '@scm/test-kit';
import { HsmKeyProtector, VirtualSmartCard, openRecoverySlot, parseVscFile } from '@scm/vsc';
import { expectOk, OPENSC_PKCS11, runTool, testReader, waitForCard } from '../card-engine/support';
import { openTestHsm } from '../vsc/support';
import {
  activate,
  cardholder,
  type HelpdeskStack,
  insertInspected,
  issueCard,
  remove,
  startHelpdeskStack,
  type TestCard,
  waitFor,
} from './support';

/**
 * Issue 8, the temporary card end to end: a card left at home goes on hold (certificateHold in the
 * CRL); after two officers approve, a VSC is made from its escrow with fresh 9A/9C/9E keys and
 * certificates ending with it, a new GUID and the recovered 9D key; the cardholder's PIN is added
 * at activation; the enrolled host (workstation 1's card worker) serves it on its loopback vpcd
 * reader with its HSM operations done by the API; OpenSC signs with it and openssl verifies the
 * signature with the fresh certificate. Found again: the hold is lifted and the temporary card
 * revoked (its host stops). A second one is activated again (a forgotten PIN: its host serves the
 * new version) and expires (its host stops). One test: the flow as the help desk and the
 * cardholder see it. The rules behind its steps — who may approve, what the temporary VSC holds,
 * which host may serve which card when, the CRL entries of a found card, the expiry sweep — are
 * proven by the handlers' specs (apps/issuer-api/src/help-desk/**, trust/approvals/**) and by
 * derived-vsc.test.ts.
 */
const ORIGINAL_READER = testReader(0, 0);
const HOST_READER = testReader(1, 0);
const CARD_PIN = '48261937';
const TEMP_PIN = '60371852';
const ROOT = join(__dirname, '..', '..');

/** `scm temporary-card serve` on the host, as a process the test watches. */
interface Serving {
  child: ChildProcess;
  out(): string;
  exit: Promise<number>;
}

describe('help desk: a temporary card from escrow, served by an enrolled host', () => {
  let s: HelpdeskStack;
  let holder: { id: string; name: string };
  let original: { card: TestCard; requestId: string; cardId: string };
  let originalCerts: Array<{ serial: string; slot: string; der: Buffer }>;
  let tmpId: string;
  let serving: Serving | undefined;
  let caId: string;

  beforeAll(async () => {
    s = await startHelpdeskStack([0, 1]);
    caId = (await s.db.query<{ ca_id: string }>(`SELECT ca_id FROM ca_authority WHERE role = 'issuing'`)).rows[0].ca_id;
  }, 120_000);

  afterAll(async () => {
    serving?.child.kill('SIGTERM');
    if (original?.card) await remove(original.card).catch(() => undefined);
    await s?.close();
  });

  const hostEnv = (ws: number) => ({
    SCM_API_URL: s.api.url,
    SCM_STATE_DIR: s.workers.get(ws)!.stateDir,
    SCM_WORKSTATION: String(ws),
  });

  function serve(id: string, ws = 1, extra: string[] = []): Serving {
    let out = '';
    const child = spawn(
      join(ROOT, 'bin', 'scm'),
      ['temporary-card', 'serve', id, '--port', String(HOST_READER.port), '--check-seconds', '1', ...extra],
      {
        env: { ...process.env, ...testEnv, ...hostEnv(ws) },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
    const exit = new Promise<number>((r) => child.once('exit', (code) => r(code ?? -1)));
    return { child, out: () => out, exit };
  }

  async function crlText(): Promise<string> {
    const res = await fetch(`${s.api.url}/crl/${caId}.crl`);
    writeFileSync(join(s.tmp, 'issuing.crl'), Buffer.from(await res.arrayBuffer()));
    return expectOk(
      await runTool('openssl', ['crl', '-inform', 'DER', '-in', 'issuing.crl', '-noout', '-text'], { cwd: s.tmp }),
      'openssl crl',
    ).stdout.toUpperCase();
  }
  const entry = (crl: string, serial: string) => crl.split('SERIAL NUMBER: ').find((e) => e.startsWith(serial.toUpperCase()));

  async function approveBoth(approvalId: string): Promise<void> {
    for (const a of s.approvers) expect((await approveAs(s.api.url, a.token, approvalId)).status).toBe(200);
  }

  async function requestTemporary(days: number): Promise<string> {
    const host = s.workers.get(1)!.id;
    const r = await runCli(
      ['temporary-card', 'request', '--card', original.card.serial, '--host-worker', host, '--days', String(days), '--json'],
      {
        env: s.helpdesk.env,
      },
    );
    expect([r.code, r.stderr]).toEqual([0, '']);
    return (JSON.parse(r.stdout) as { approvalId: string }).approvalId;
  }

  async function tmpOf(approvalId: string): Promise<string> {
    return (await s.db.query<{ id: string }>(`SELECT id FROM temporary_card WHERE approval_id = $1`, [approvalId])).rows[0].id;
  }

  it('a card left at home: on hold in the CRL; two officers approve a temporary card its host serves once activated; OpenSC signs with its fresh 9C key; found again, the temporary card is revoked; a second one is activated again and expires', async () => {
    holder = await cardholder(s);
    original = await issueCard(s, holder.id, ORIGINAL_READER);
    await insertInspected(s, original.card, ORIGINAL_READER);
    try {
      await activate(s, original.card, ORIGINAL_READER, CARD_PIN);
    } finally {
      await remove(original.card);
    }
    originalCerts = (
      await s.db.query<{ serial: string; slot: string; der: Buffer }>(
        `SELECT serial, reference->>'slot' AS slot, der FROM ca_certificate WHERE reference->>'requestId' = $1`,
        [original.requestId],
      )
    ).rows;
    const r = await runCli(['card-report', 'left-at-home', '--card', original.card.serial], { env: s.helpdesk.env });
    expect([r.code, r.stdout]).toEqual([0, expect.stringMatching(/reported left-at-home: now suspended; 4 certificate\(s\) on hold/)]);
    const crl = await waitFor('the CRL to list the held certificates', async () => {
      const t = await crlText();
      return originalCerts.every((c) => entry(t, c.serial)) ? t : undefined;
    });
    for (const c of originalCerts) expect([c.slot, entry(crl, c.serial)]).toEqual([c.slot, expect.stringContaining('CERTIFICATE HOLD')]);

    // Two other officers approve a temporary card hosted by workstation 1.
    const approvalId = await requestTemporary(7);
    await approveBoth(approvalId);
    tmpId = await tmpOf(approvalId);

    // The host serves it on this machine only, once the cardholder's PIN is set at activation.
    const remote = await runCli(['temporary-card', 'serve', tmpId, '--port', String(HOST_READER.port), '--vpcd-host', '192.0.2.7'], {
      env: hostEnv(1),
    });
    expect(remote.stderr).toMatch(/this machine only/);

    const act = await runCli(['temporary-card', 'activate', tmpId, '--identity-check', 'driving licence checked', '--pin-stdin'], {
      env: s.helpdesk.env,
      input: `${TEMP_PIN}\n`,
    });
    expect([act.code, act.stderr]).toEqual([0, '']);
    expect(act.stdout).toMatch(/is active until/);

    serving = serve(tmpId);
    await waitFor(
      'the host to serve the temporary card',
      async () => (/served in the vpcd reader/.test(serving!.out()) ? true : undefined),
      30_000,
    );
    await waitForCard(HOST_READER, true);
    await waitFor(
      'workstation 1 to look at the card',
      async () => (/"state":"other","msg":"card inspected"/.test(s.workers.get(1)!.log()) ? true : undefined),
      20_000,
    );

    const listed = expectOk(
      await runTool('pkcs15-tool', ['--reader', HOST_READER.name, '--list-certificates'], { reader: HOST_READER }),
      'pkcs15-tool',
    ).stdout;
    expect((listed.match(/X\.509 Certificate \[/g) ?? []).length).toBe(4);
    const token = expectOk(
      await runTool('pkcs11-tool', ['--module', OPENSC_PKCS11, '-L'], { reader: HOST_READER }),
      'pkcs11-tool -L',
    ).stdout;
    // OpenSC takes the token serial from the CHUID GUID (its last 8 bytes): the temporary card's own id.
    expect(token.toLowerCase()).toContain(`serial num         : ${tmpId.replace(/-/g, '').slice(16)}`);
    const pem = expectOk(
      await runTool('pkcs15-tool', ['--reader', HOST_READER.name, '--read-certificate', '02'], { reader: HOST_READER }),
      'read 9C',
    ).stdout;
    const fresh = new X509Certificate(pem);
    const recorded = await s.db.query<{ serial: string }>(
      `SELECT serial FROM ca_certificate WHERE reference->>'temporaryCardId' = $1 AND reference->>'slot' = '9c'`,
      [tmpId],
    );
    expect(fresh.serialNumber.toLowerCase()).toBe(recorded.rows[0].serial);
    writeFileSync(join(s.tmp, 'fresh-9c.pem'), pem);
    writeFileSync(join(s.tmp, 'note.txt'), 'signed with a temporary card\n');
    expectOk(
      await runTool(
        'pkcs11-tool',
        [
          '--module',
          OPENSC_PKCS11,
          '--login',
          '--pin',
          TEMP_PIN,
          '--sign',
          '--id',
          '02',
          '-m',
          'ECDSA-SHA256',
          '--signature-format',
          'openssl',
          '-i',
          'note.txt',
          '-o',
          'note.sig',
        ],
        { reader: HOST_READER, cwd: s.tmp },
      ),
      'pkcs11-tool --sign with 9C',
    );
    expectOk(
      await runTool('openssl', ['x509', '-in', 'fresh-9c.pem', '-pubkey', '-noout', '-out', 'fresh-9c.pub'], { cwd: s.tmp }),
      'pubkey',
    );
    const verified = await runTool('openssl', ['dgst', '-sha256', '-verify', 'fresh-9c.pub', '-signature', 'note.sig', 'note.txt'], {
      cwd: s.tmp,
    });
    expect(verified.stdout).toContain('Verified OK');
    // The original card's 9C certificate does not verify it: the key is new.
    writeFileSync(join(s.tmp, 'orig-9c.pem'), new X509Certificate(originalCerts.find((c) => c.slot === '9c')!.der).toString());
    expectOk(
      await runTool('openssl', ['x509', '-in', 'orig-9c.pem', '-pubkey', '-noout', '-out', 'orig-9c.pub'], { cwd: s.tmp }),
      'pubkey',
    );
    expect(
      (await runTool('openssl', ['dgst', '-sha256', '-verify', 'orig-9c.pub', '-signature', 'note.sig', 'note.txt'], { cwd: s.tmp }))
        .stdout,
    ).not.toContain('Verified OK');

    // A wrong PIN is counted by the API, where the host cannot roll it back.
    const wrong = await runTool('pkcs11-tool', ['--module', OPENSC_PKCS11, '--login', '--pin', '93718264', '--test'], {
      reader: HOST_READER,
      cwd: s.tmp,
    });
    expect(wrong.code).not.toBe(0);
    const tries = await s.db.query<{ pin_remaining: number; pin_tries: number }>(
      `SELECT pin_remaining, pin_tries FROM temporary_card WHERE id = $1`,
      [tmpId],
    );
    expect(tries.rows[0].pin_remaining).toBe(tries.rows[0].pin_tries - 1);
    const failed = await s.db.query(
      `SELECT 1 FROM audit_event WHERE action = 'temporary-card.pin-failed' AND outcome = 'failure' AND target_id = $1`,
      [tmpId],
    );
    expect(failed.rowCount).toBe(1);

    // Found again: the hold is lifted and the temporary card revoked, so its host stops serving it.
    const found = await runCli(['card-report', 'found', '--card', original.card.serial], { env: s.helpdesk.env });
    expect([found.code, found.stdout]).toEqual([
      0,
      expect.stringMatching(/4 certificate\(s\) released from hold; 1 temporary card\(s\) revoked/),
    ]);
    const code = await serving!.exit;
    expect(code).not.toBe(0);
    expect(serving!.out()).toMatch(/removed: .*temporary-card.wrong-state/);
    serving = undefined;
    await waitForCard(HOST_READER, false);

    // A second temporary card: activated again after a forgotten PIN, then it expires.
    expect((await runCli(['card-report', 'left-at-home', '--card', original.card.serial], { env: s.helpdesk.env })).code).toBe(0);
    const secondApproval = await requestTemporary(1);
    await approveBoth(secondApproval);
    const id = await tmpOf(secondApproval);
    const activated = await runCli(['temporary-card', 'activate', id, '--identity-check', 'known colleague', '--pin-stdin'], {
      env: s.helpdesk.env,
      input: `${TEMP_PIN}\n`,
    });
    expect(activated.code).toBe(0);

    serving = serve(id);
    await waitFor(
      'the host to serve the second temporary card',
      async () => (/served in the vpcd reader/.test(serving!.out()) ? true : undefined),
      30_000,
    );
    await waitForCard(HOST_READER, true);
    // A forgotten PIN: activated again, the host stops serving the version with the old PIN slot and serves the new one.
    const again = await runCli(['temporary-card', 'activate', id, '--identity-check', 'known colleague', '--pin-stdin'], {
      env: s.helpdesk.env,
      input: `${CARD_PIN}\n`,
    });
    expect(again.code).toBe(0);
    expect(await serving.exit).not.toBe(0);
    expect(serving.out()).toMatch(/removed: it was activated again \(version 3\)/);
    // The PIN reset sealed version 3 under a fresh content key; versions 1 and 2 keep theirs and
    // still open through the recovery key in the HSM.
    const versions = (
      await s.db.query<{ version: number; content: Buffer }>(
        `SELECT version, content FROM vsc_version WHERE vsc_id = $1 ORDER BY version`,
        [id],
      )
    ).rows;
    expect(versions.map((v) => v.version)).toEqual([1, 2, 3]);
    const hsm = openTestHsm();
    try {
      const protector = new HsmKeyProtector(hsm);
      const ceks = await Promise.all(versions.map((v) => openRecoverySlot(parseVscFile(v.content).content, protector)));
      expect(ceks[2].equals(ceks[1])).toBe(false);
      expect(ceks[1].equals(ceks[0])).toBe(false);
      for (const v of versions) await VirtualSmartCard.check(v.content, { protector });
      const old = await VirtualSmartCard.load(versions[1].content, { protector });
      await old.openWithRecovery();
      expect(old.hasPrivateKey(0x9c)).toBe(true);
      old.close();
    } finally {
      hsm.close();
    }
    await waitForCard(HOST_READER, false);
    const inspected = () =>
      (
        s.workers
          .get(1)!
          .log()
          .match(/"state":"other","msg":"card inspected"/g) ?? []
      ).length;
    const seen = inspected();
    serving = serve(id);
    await waitFor('the host to serve it again', async () => (/served in the vpcd reader/.test(serving!.out()) ? true : undefined), 30_000);
    await waitForCard(HOST_READER, true);
    await waitFor('workstation 1 to look at the card', async () => (inspected() > seen ? true : undefined), 20_000);
    expectOk(
      await runTool('pkcs11-tool', ['--module', OPENSC_PKCS11, '--login', '--pin', CARD_PIN, '--test'], {
        reader: HOST_READER,
        cwd: s.tmp,
      }),
      'pkcs11-tool --login with the new PIN',
    );
    // Time passes: the stored expiry is the API's clock for this card (its certificates end then: derived-vsc.test.ts).
    await s.db.query(`UPDATE temporary_card SET expires_at = now() - interval '1 second' WHERE id = $1`, [id]);
    expect(await serving.exit).not.toBe(0);
    expect(serving.out()).toMatch(/removed: .*temporary-card.expired/);
    serving = undefined;
    await waitForCard(HOST_READER, false);
    const report = await call<{ rows: Array<{ vsc: string; cardholder: string }> }>(
      s.api.url,
      'GET',
      '/api/v1/reports/temporary-cards',
      s.auditor.token,
    );
    expect(report.body.rows.filter((r) => r.cardholder === holder.name).map((r) => r.vsc)).toEqual([tmpId, id]);

    // No PIN is kept: not in the audit trail, the temporary cards, their VSC versions, approvals, sessions or the outbox.
    const text = (
      await s.db.query<{ t: string }>(
        `SELECT concat_ws(' ',
           (SELECT string_agg(a::text, ' ') FROM audit_event a),
           (SELECT string_agg(t::text, ' ') FROM temporary_card t),
           (SELECT string_agg(v.state::text, ' ') FROM vsc v),
           (SELECT string_agg(encode(x.content, 'hex'), ' ') FROM vsc_version x JOIN temporary_card t ON t.id = x.vsc_id),
           (SELECT string_agg(r::text, ' ') FROM approval_request r),
           (SELECT string_agg(s::text, ' ') FROM activation_session s),
           (SELECT string_agg(o::text, ' ') FROM outbox o)) AS t`,
      )
    ).rows[0].t;
    // The scan sees what it looks for: the temporary card ids are there, in text and in the VSC bytes.
    expect(text).toContain(tmpId);
    expect(text).toContain(tmpId.replace(/-/g, ''));
    for (const pin of [TEMP_PIN, CARD_PIN]) {
      expect(text).not.toContain(pin);
      expect(text).not.toContain(Buffer.from(pin, 'ascii').toString('hex'));
    }
  });
});
