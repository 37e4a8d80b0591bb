import { X509Certificate } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type Clock, EXPIRY_CLOCK } from '../../apps/issuer-api/src';
import { PivCard } from '@scm/card-engine';
import { PukVault } from '@scm/card-secrets';
import { HsmContext, hsmSettingsFrom } from '@scm/hsm';
import { InvalidPukError } from '@scm/piv';
import { VpcdConnector, type VirtualCard } from '@scm/vpcd';
import { approveAs, approveBySecondOfficer, call, runCli, testEnv } from '@scm/test-kit';
import { expectOk, OPENSC_PKCS11, runTool, testReader, type TestReader, waitForCard } from '../card-engine/support';
import { VPCD_SETTLE_MS } from '../card-engine/test-cards';
import { workerSocket } from '../helpdesk/support';
import { insertPulling } from '../personalisation/support';
import {
  activate,
  cardholder,
  directSession,
  type HelpdeskStack,
  insert,
  insertInspected,
  issueCard,
  remove,
  startHelpdeskStack,
  type TestCard,
  waitFor,
} from '../helpdesk/support';

/**
 * Issue 16, card updates end to end on the real parts (API, card worker, pcscd + vpcd, SoftHSM2,
 * PostgreSQL, OpenSC, openssl): an active card renewed in place (OpenSC lists the new certificates,
 * a signature verifies against the new 9A certificate, the old ones are superseded on the CRL); a
 * 9D rotation that keeps the old key in retired slot 82 (OpenSC decrypts with it); an update
 * pulled out mid-way and resumed at the next insertion; the expiry sweep on a clock moved forward
 * (the report lists what expires, a renewal waits for approval and the card says so when
 * presented, an expired card reaches `expired`).
 */
const READER = testReader(0, 0);
const PIN = '48261937';
const SECRET = 'payroll, encrypted to the key-management certificate before its rotation\n';

type UpdateRow = {
  id: string;
  state: string;
  attempt: number;
  vsc_version: number | null;
  failure: string | null;
  prepared: Record<string, unknown> | null;
};

describe('card updates: renew in place, 9D rotation, an interrupted update resumed, expiry', () => {
  let s: HelpdeskStack;
  let holder: { id: string; name: string };
  let card: TestCard;
  let cardId: string;
  let requestId: string;
  const sh = (file: string, args: string[]) => runTool(file, args, { cwd: s.tmp });
  const timings: string[] = [];

  beforeAll(async () => {
    s = await startHelpdeskStack([0]);
    holder = await cardholder(s);
    const issued = await issueCard(s, holder.id, READER);
    ({ card, cardId, requestId } = issued);
    await insertInspected(s, card, READER);
    await activate(s, card, READER, PIN);
    await remove(card);
  }, 240_000);

  afterEach(async () => {
    if (card?.inserted) await remove(card);
  });

  afterAll(async () => {
    // Figures (printed, not asserted): how long each update took on the card, from the worker's log.
    if (timings.length) console.log(`card updates, insertion to done:\n  ${timings.join('\n  ')}`);
    if (card) await remove(card).catch(() => undefined);
    await s?.close();
  });

  const validCerts = async () =>
    (
      await s.db.query<{ serial: string; slot: string; der: Buffer; status: string }>(
        `SELECT serial, reference->>'slot' AS slot, der, status FROM ca_certificate WHERE reference->>'requestId' = $1 AND status = 'valid' ORDER BY created_at`,
        [requestId],
      )
    ).rows;

  const updateRow = async (id: string) =>
    (await s.db.query<UpdateRow>(`SELECT id, state, attempt, vsc_version, failure, prepared FROM card_update WHERE id = $1`, [id])).rows[0];

  async function queue(args: string[]): Promise<string> {
    const r = await runCli(['card', 'update', card.serial, ...args, '--reason', 'test', '--json'], { env: s.officer.env });
    expect([r.code, r.stderr]).toEqual([0, '']);
    return (JSON.parse(r.stdout) as { id: string }).id;
  }

  /** Puts the card in the reader and waits until the worker finished the update (and let go of the card). */
  async function runUpdate(id: string): Promise<UpdateRow> {
    const w = s.workers.get(0)!;
    const ended = new RegExp(`"updateId":"${id}","outcome":"([a-z]+)"`);
    await insert(card, READER);
    const row = await waitFor(
      `update ${id} to be done`,
      async () => {
        const u = await updateRow(id);
        if (u.state === 'failed') throw new Error(`update failed: ${u.failure}`);
        return u.state === 'done' ? u : undefined;
      },
      90_000,
      200,
    ).catch((e: Error) => {
      const lines = w
        .log()
        .split('\n')
        .filter((l) => l.includes(card.serial) || l.includes(id) || l.includes('update'));
      throw new Error(`${e.message}\nworker log:\n${lines.slice(-20).join('\n')}`);
    });
    const m = await waitFor('the worker to let go of the card', async () => ended.exec(w.log()) ?? undefined, 20_000, 100);
    const ms = /"ms":(\d+)/.exec(w.log().slice(m.index))?.[1];
    if (ms) timings.push(`${row.id.slice(0, 8)} attempt ${row.attempt}: ${ms} ms`);
    return row;
  }

  async function crlText(): Promise<string> {
    const ca = (await s.db.query<{ ca_id: string }>(`SELECT ca_id FROM ca_authority WHERE role = 'issuing'`)).rows[0].ca_id;
    const res = await fetch(`${s.api.url}/crl/${ca}.crl`);
    writeFileSync(join(s.tmp, 'issuing.crl'), Buffer.from(await res.arrayBuffer()));
    return expectOk(
      await sh('openssl', ['crl', '-inform', 'DER', '-in', 'issuing.crl', '-noout', '-text']),
      'openssl crl',
    ).stdout.toUpperCase();
  }

  it('renews an active card in place: OpenSC lists the new certificates, a 9A signature verifies against the new one, the old ones are superseded on the CRL', async () => {
    const before = await validCerts();
    expect(before.map((c) => c.slot).sort()).toEqual(['9a', '9c', '9d', '9e']);
    const vscBefore = (await s.db.query<{ current_version: number }>(`SELECT current_version FROM vsc WHERE request_id = $1`, [requestId]))
      .rows[0].current_version;

    // An update queued by mistake is cancelled before it ever reaches the card.
    const mistake = await queue(['--rekey', '9c']);
    const cancelled = await runCli(['card', 'update-cancel', mistake, '--reason', 'wrong card'], { env: s.officer.env });
    expect([cancelled.code, cancelled.stdout]).toEqual([0, expect.stringContaining(`${mistake}  rekey 9c  cancelled`)]);

    const id = await queue(['--renew']);
    const listed = await runCli(['card', 'updates', card.serial], { env: s.officer.env });
    expect(listed.stdout).toContain(`${id}  renew  pending`);
    const done = await runUpdate(id);
    expect(done.attempt).toBe(1);

    const after = await validCerts();
    expect(after.map((c) => c.slot).sort()).toEqual(['9a', '9c', '9d', '9e']);
    expect(after.some((a) => before.some((b) => b.serial === a.serial))).toBe(false);
    // The VSC twin moved to the update's version, escrowed.
    const vsc = await s.db.query<{ current_version: number; escrowed: boolean }>(
      `SELECT v.current_version, (SELECT escrowed_at IS NOT NULL FROM vsc_version x WHERE x.vsc_id = v.id AND x.version = v.current_version) AS escrowed
         FROM vsc v WHERE v.request_id = $1`,
      [requestId],
    );
    expect(vsc.rows[0]).toEqual({ current_version: vscBefore + 1, escrowed: true });
    expect(done.vsc_version).toBe(vscBefore + 1);

    // The card holds the new certificates, as OpenSC sees them.
    const new9a = new X509Certificate(after.find((c) => c.slot === '9a')!.der);
    const pem = expectOk(
      await runTool('pkcs15-tool', ['--reader', READER.name, '--read-certificate', '01'], { reader: READER }),
      'pkcs15-tool --read-certificate',
    ).stdout;
    expect(new X509Certificate(pem).serialNumber).toBe(new9a.serialNumber);
    const certs = expectOk(
      await runTool('pkcs15-tool', ['--reader', READER.name, '--list-certificates'], { reader: READER }),
      'pkcs15-tool',
    ).stdout;
    expect((certs.match(/X\.509 Certificate \[/g) ?? []).length).toBe(4);
    writeFileSync(join(s.tmp, 'data.txt'), 'signed after the renewal\n');
    writeFileSync(join(s.tmp, 'new-9a.pem'), new9a.toString());
    expectOk(
      await runTool(
        'pkcs11-tool',
        [
          '--module',
          OPENSC_PKCS11,
          '--login',
          '--pin',
          PIN,
          '--sign',
          '--id',
          '01',
          ...(new9a.publicKey.asymmetricKeyType === 'ec'
            ? ['-m', 'ECDSA-SHA256', '--signature-format', 'openssl']
            : ['-m', 'SHA256-RSA-PKCS']),
          '-i',
          'data.txt',
          '-o',
          'sig.bin',
        ],
        { reader: READER, cwd: s.tmp },
      ),
      'pkcs11-tool --sign',
    );
    expectOk(await sh('openssl', ['x509', '-in', 'new-9a.pem', '-pubkey', '-noout', '-out', 'pub.pem']), 'openssl x509 -pubkey');
    const verified = expectOk(
      await sh('openssl', ['dgst', '-sha256', '-verify', 'pub.pem', '-signature', 'sig.bin', 'data.txt']),
      'openssl dgst',
    );
    expect(verified.stdout).toContain('Verified OK');
    // The CHUID names the new end of the card (the renewed certificates').
    const session = await directSession(card);
    const chuid = await session.readChuid();
    expect(chuid!.expiry).toBe(new Date(new9a.validTo).toISOString().slice(0, 10).replace(/-/g, ''));
    await remove(card);

    // The old certificates are superseded on the CRL served over HTTP.
    const text = await waitFor('a CRL listing the old certificates', async () => {
      const t = await crlText();
      return before.every((b) => t.includes(b.serial.toUpperCase())) ? t : undefined;
    });
    for (const b of before) {
      const entry = text.split('SERIAL NUMBER: ').find((e) => e.startsWith(b.serial.toUpperCase()));
      expect([b.serial, entry]).toEqual([b.serial, expect.stringContaining('SUPERSEDED')]);
    }
    const audit = await s.db.query<{ action: string }>(
      `SELECT action FROM audit_event WHERE target_type = 'card-update' AND target_id = $1 ORDER BY entry`,
      [id],
    );
    expect(audit.rows.map((r) => r.action)).toEqual(['card-update.queued', 'card-update.started', 'card-update.done']);
  });

  it('rotates 9D: a new escrowed key, the old one in retired slot 82 with its certificate and Key History; OpenSC decrypts old data with it', async () => {
    const old9d = new X509Certificate((await validCerts()).find((c) => c.slot === '9d')!.der);
    writeFileSync(join(s.tmp, 'old-9d.pem'), old9d.toString());
    writeFileSync(join(s.tmp, 'secret.txt'), SECRET);
    expectOk(
      await sh('openssl', ['pkeyutl', '-encrypt', '-certin', '-inkey', 'old-9d.pem', '-in', 'secret.txt', '-out', 'secret.enc']),
      'encrypt',
    );

    const id = await queue(['--rekey', '9d']);
    const done = await runUpdate(id);
    expect(done.prepared).toMatchObject({ retired: { slot: '82', serial: old9d.serialNumber.toLowerCase() } });

    const session = await directSession(card);
    expect(Buffer.from((await session.readCertificate(0x82))!.der).equals(old9d.raw)).toBe(true);
    const current = new X509Certificate(Buffer.from((await session.readCertificate(0x9d))!.der));
    expect(current.serialNumber).not.toBe(old9d.serialNumber);
    expect(await session.readKeyHistory()).toMatchObject({ onCard: 1, offCard: 0 });
    // The old 9D certificate stays valid: its key still decrypts what was sent to it.
    const [oldRow] = (
      await s.db.query<{ status: string }>(`SELECT status FROM ca_certificate WHERE serial = $1`, [old9d.serialNumber.toLowerCase()])
    ).rows;
    expect(oldRow.status).toBe('valid');

    const keys = expectOk(
      await runTool('pkcs15-tool', ['--reader', READER.name, '--list-keys'], { reader: READER }),
      'pkcs15-tool --list-keys',
    ).stdout;
    const retiredId = /Retired[^\n]*\n(?:[^\n]*\n)*?\s*ID\s*:\s*([0-9a-f]+)/i.exec(keys)?.[1];
    expect(retiredId).toBeDefined();
    expectOk(
      await runTool(
        'pkcs11-tool',
        [
          '--module',
          OPENSC_PKCS11,
          '--login',
          '--pin',
          PIN,
          '--decrypt',
          '--id',
          retiredId!,
          '-m',
          'RSA-PKCS',
          '-i',
          'secret.enc',
          '-o',
          'secret.out',
        ],
        { reader: READER, cwd: s.tmp },
      ),
      'pkcs11-tool --decrypt with the retired key',
    );
    expect(readFileSync(join(s.tmp, 'secret.out'), 'utf8')).toBe(SECRET);
    await remove(card);
  });

  it('an update pulled out mid-way waits for the card and resumes at its next insertion', async () => {
    const id = await queue(['--renew']);
    // Inspection and the update's start take the first APDUs; the 30th is in the middle of the writes.
    const { pulled } = await insertPulling(card, READER, 30);
    await pulled;
    const interrupted = await waitFor(
      'the update to wait for the card again',
      async () => {
        const u = await updateRow(id);
        return u.state === 'pending' && u.attempt === 1 ? u : undefined;
      },
      30_000,
      200,
    ).catch(async (e: Error) => {
      const lines = s.workers
        .get(0)!
        .log()
        .split('\n')
        .filter((l) => l.includes(card.serial) || l.includes(id));
      const u = await updateRow(id);
      throw new Error(`${e.message} (${u.state}, attempt ${u.attempt})\nworker log:\n${lines.slice(-12).join('\n')}`);
    });
    expect(interrupted.vsc_version).not.toBeNull();
    const done = await runUpdate(id);
    expect(done.attempt).toBe(2);
    // The card holds exactly what the update issued.
    const issued = (done.prepared as { issued: Record<string, string> }).issued;
    const session = await directSession(card);
    for (const [slot, serial] of Object.entries(issued)) {
      const der = (await session.readCertificate(parseInt(slot, 16)))!.der;
      expect([slot, new X509Certificate(Buffer.from(der)).serialNumber.toLowerCase()]).toEqual([slot, serial]);
    }
    await remove(card);
    const audit = await s.db.query<{ action: string }>(
      `SELECT action FROM audit_event WHERE target_type = 'card-update' AND target_id = $1 ORDER BY entry`,
      [id],
    );
    expect(audit.rows.map((r) => r.action)).toEqual([
      'card-update.queued',
      'card-update.started',
      'card-update.interrupted',
      'card-update.started',
      'card-update.done',
    ]);
  });

  it('a new on-card 9E key, certified and proved by a signature without a PIN; a vendor data object written and read back', async () => {
    const old9e = (await validCerts()).find((c) => c.slot === '9e')!;
    const id = await queue(['--rekey', '9e']);
    const done = await runUpdate(id);
    const new9eSerial = (done.prepared as { issued: Record<string, string> }).issued['9e'];
    expect(new9eSerial).toBeDefined();
    const session = await directSession(card);
    const on9e = new X509Certificate(Buffer.from((await session.readCertificate(0x9e))!.der));
    expect(on9e.serialNumber.toLowerCase()).toBe(new9eSerial);
    expect(
      Buffer.from((await session.getMetadata(0x9e)).publicKey!.spki).equals(on9e.publicKey.export({ format: 'der', type: 'spki' })),
    ).toBe(true);
    await remove(card);
    const status = await s.db.query<{ serial: string; status: string; reason: string | null }>(
      `SELECT serial, status, reason FROM ca_certificate WHERE serial = ANY($1)`,
      [[old9e.serial, new9eSerial]],
    );
    expect(Object.fromEntries(status.rows.map((r) => [r.serial, `${r.status}:${r.reason ?? ''}`]))).toEqual({
      [old9e.serial]: 'revoked:superseded',
      [new9eSerial]: 'valid:',
    });
    const certified = await s.db.query(`SELECT 1 FROM audit_event WHERE action = 'card-update.slot-certified' AND target_id = $1`, [id]);
    expect(certified.rowCount).toBe(1);

    writeFileSync(join(s.tmp, 'vendor.bin'), Buffer.from('53 fa 01 02 department: payroll'));
    const put = await runCli(['card', 'update', card.serial, '--put-object', `5fff10=${join(s.tmp, 'vendor.bin')}`, '--json'], {
      env: s.officer.env,
    });
    expect([put.code, put.stderr]).toEqual([0, '']);
    await runUpdate((JSON.parse(put.stdout) as { id: string }).id);
    const again = await directSession(card);
    expect(Buffer.from((await again.getObject(0x5fff10))!).toString()).toBe('53 fa 01 02 department: payroll');
    await remove(card);
    // Objects SCM derives from the VSC cannot be put by hand.
    const chuid = await runCli(['card', 'update', card.serial, '--put-object', `5fc102=${join(s.tmp, 'vendor.bin')}`], {
      env: s.officer.env,
    });
    expect(chuid.code).not.toBe(0);
    expect(chuid.stderr).toMatch(/card-update.invalid/);
  });

  it('a name and e-mail change, approved by a second officer, renews the card: its new certificates name the new identity', async () => {
    const newName = `${holder.name} Renamed`;
    const change = await call<{ approval: { id: string } }>(
      s.api.url,
      'POST',
      `/api/v1/cardholders/${holder.id}/identity-changes`,
      s.officer.token,
      { name: newName, email: `renamed-${Date.now()}@example.org`, reason: 'marriage' },
    );
    expect(change.status).toBe(201);
    // Nothing changes until a second officer approves; the officer who asked cannot.
    const self = await approveAs(s.api.url, s.officer.token, change.body.approval.id);
    expect(self.status).toBe(403);
    expect(
      (await s.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM card_update WHERE card_id = $1 AND state = 'pending'`, [cardId]))
        .rows[0].n,
    ).toBe(0);
    await approveBySecondOfficer(s.api.url, change.body.approval);
    const queued = await s.db.query<{ id: string; origin: string; state: string }>(
      `SELECT id, origin, state FROM card_update WHERE card_id = $1 AND state = 'pending'`,
      [cardId],
    );
    expect(queued.rows).toEqual([expect.objectContaining({ origin: 'identity-change', state: 'pending' })]);
    await runUpdate(queued.rows[0].id);
    const session = await directSession(card);
    const cert9a = new X509Certificate(Buffer.from((await session.readCertificate(0x9a))!.der));
    expect(cert9a.subject).toContain(`CN=${newName}`);
    await remove(card);
  });

  /** Inserts the card and pulls it out at the command after the first one `after` matches (the card has answered that one). */
  async function insertPullingAfter(reader: TestReader, after: (apdu: Uint8Array) => boolean): Promise<void> {
    const inner = new PivCard(card.backend, card.options);
    let armed = false;
    let pulledNow: () => void = () => undefined;
    const pulled = new Promise<void>((r) => (pulledNow = r));
    const ref: { connector?: VpcdConnector } = {};
    const virtual: VirtualCard = {
      atr: () => inner.atr(),
      powerOn: () => inner.powerOn(),
      powerOff: () => inner.powerOff(),
      reset: () => inner.reset(),
      transmit: (apdu: Uint8Array) => {
        if (armed) {
          setImmediate(() => void ref.connector?.remove().then(() => pulledNow()));
          return new Promise<Uint8Array>(() => undefined);
        }
        if (after(apdu)) armed = true;
        return inner.transmit(apdu);
      },
    };
    ref.connector = new VpcdConnector(virtual, { port: reader.port });
    await ref.connector.insert();
    await waitForCard(reader, true);
    await pulled;
    await waitForCard(reader, false);
    await new Promise((r) => setTimeout(r, VPCD_SETTLE_MS));
  }

  it('rotates the PUK: pulled after the card took it, resumed with the new PUK first; the new PUK unblocks the PIN, the old one is refused; the help-desk unblock uses it', async () => {
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
    const open = async (sealed: Buffer): Promise<string> => {
      const p = await new PukVault(hsm).open(sealed, cardId);
      const end = p.indexOf(0xff);
      return p.subarray(0, end < 0 ? 8 : end).toString('latin1');
    };
    const kept = async (): Promise<string> =>
      open(
        (await s.db.query<{ puk_sealed: Buffer }>(`SELECT puk_sealed FROM card_credential WHERE card_id = $1`, [cardId])).rows[0]
          .puk_sealed,
      );
    const pending = async (id: string): Promise<Buffer | null> =>
      (await s.db.query<{ puk_sealed: Buffer | null }>(`SELECT puk_sealed FROM card_update WHERE id = $1`, [id])).rows[0].puk_sealed;
    try {
      const oldPuk = await kept();
      const bad = await runCli(['card', 'update', card.serial, '--rotate-puk', '--renew', '--reason', 'test'], { env: s.officer.env });
      expect(bad.code).not.toBe(0);
      const id = await queue(['--rotate-puk']);

      // Pulled right after the card answered CHANGE REFERENCE DATA of the PUK (00 24 00 81): the card
      // holds the new PUK, the API has not heard of it; the new PUK waits sealed on the update.
      await insertPullingAfter(READER, (a) => a[1] === 0x24 && a[3] === 0x81);
      await waitFor(
        'the PUK rotation to wait for the card again',
        async () => {
          const u = await updateRow(id);
          return u.state === 'pending' && u.attempt === 1 ? u : undefined;
        },
        30_000,
        200,
      );
      const sealedNew = await pending(id);
      expect(sealedNew).not.toBeNull();
      const newPuk = await open(sealedNew!);
      expect(newPuk).toMatch(/^[0-9]{8}$/);
      expect(newPuk).not.toBe(oldPuk);
      expect(await kept()).toBe(oldPuk);

      const logFrom = s.workers.get(0)!.log().length;
      const done = await runUpdate(id);
      expect(done.attempt).toBe(2);
      // The resumed attempt tried the new PUK first (the card already held it): no try spent.
      expect(s.workers.get(0)!.log().slice(logFrom)).toMatch(/puk changed.*first guess/);
      expect(await kept()).toBe(newPuk);
      expect(await pending(id)).toBeNull();

      const session = await directSession(card);
      const tries = await session.pukStatus();
      expect(tries?.retriesLeft).toBe(tries?.retriesTotal);
      await expect(session.unblockPin(oldPuk, '11223344')).rejects.toBeInstanceOf(InvalidPukError);
      await session.unblockPin(newPuk, '11223344');
      await session.verifyPin('11223344');
      await remove(card);

      // The help desk's PIN unblock fetches the kept (rotated) PUK for the worker: the cardholder's PIN is set again.
      await insertInspected(s, card, READER);
      const start = await runCli(
        ['unblock', 'start', '--card', card.serial, '--workstation', '0', '--identity-check', 'passport seen at the desk'],
        { env: s.helpdesk.env },
      );
      expect([start.code, start.stderr]).toEqual([0, '']);
      const typed = await runCli(['unblock', 'pin', '--card', card.serial, '--socket', workerSocket(s, 0), '--pin-stdin'], {
        input: `${PIN}\n`,
      });
      expect([typed.code, typed.stdout]).toEqual([0, `card ${card.serial}: the new PIN is set\n`]);
      const after = await directSession(card);
      await after.verifyPin(PIN);
      await remove(card);

      const audit = await s.db.query<{ action: string; details: unknown }>(
        `SELECT action, details FROM audit_event WHERE target_type = 'card-update' AND target_id = $1 ORDER BY seq`,
        [id],
      );
      expect(audit.rows.map((r) => r.action)).toEqual([
        'card-update.queued',
        'card-update.started',
        'card-update.puk-released',
        'card-update.interrupted',
        'card-update.started',
        'card-update.puk-released',
        'card-update.done',
      ]);
      expect(audit.rows.at(-1)!.details).toMatchObject({ kind: 'rotate-puk', pukRotated: true });
      // Neither PUK in clear in the audit trail or the logs.
      const text = JSON.stringify(audit.rows) + s.workers.get(0)!.log();
      for (const puk of [oldPuk, newPuk]) expect(text.includes(puk)).toBe(false);
    } finally {
      hsm.close();
    }
  });

  it('expiry on a clock moved forward: the report lists what expires, a renewal waits for approval and the card says so, an expired card reaches expired', async () => {
    const clock = s.api.app.get<Clock>(EXPIRY_CLOCK);
    const realNow = clock.now;
    const end = (await validCerts()).reduce((m, c) => Math.max(m, new Date(new X509Certificate(c.der).validTo).getTime()), 0);
    try {
      // Ten days before the card's end.
      const soon = new Date(end - 10 * 86_400_000);
      clock.now = () => soon;
      const report = await runCli(
        [
          'report',
          'run',
          'expiring',
          '--from',
          soon.toISOString(),
          '--to',
          new Date(soon.getTime() + 30 * 86_400_000).toISOString(),
          '--format',
          'json',
        ],
        { env: s.auditor.env },
      );
      expect([report.code, report.stderr]).toEqual([0, '']);
      const rows = (JSON.parse(report.stdout) as { rows: Array<{ card: string; slot: string }> }).rows.filter(
        (r) => r.card === card.serial,
      );
      // The four slots' certificates, and the old 9D certificate that moved to slot 82 with its key.
      expect([...new Set(rows.map((r) => r.slot))].sort()).toEqual(['9a', '9c', '9d', '9e']);

      const sweep = await runCli(['card', 'expiry-sweep', '--within-days', '30', '--json'], { env: s.officer.env });
      expect([sweep.code, sweep.stderr]).toEqual([0, '']);
      const queued = (JSON.parse(sweep.stdout) as { queued: Array<{ id: string; cardId: string; state: string }> }).queued.find(
        (q) => q.cardId === cardId,
      );
      expect(queued).toMatchObject({ state: 'awaiting-approval' });
      // Run again: nothing queued twice.
      const again = JSON.parse((await runCli(['card', 'expiry-sweep', '--json'], { env: s.officer.env })).stdout) as {
        queued: Array<{ cardId: string }>;
      };
      expect(again.queued.filter((q) => q.cardId === cardId)).toEqual([]);

      // Presented at the workstation, the card says its renewal is pending (and nothing runs).
      const w = s.workers.get(0)!;
      await insert(card, READER);
      await waitFor(
        'the worker to say the renewal is pending',
        async () => (w.log().includes(`"updateId":"${queued!.id}","kind":"renew","state":"awaiting-approval"`) ? true : undefined),
        20_000,
        100,
      );
      await remove(card);
      const view = await call<Array<{ id: string; state: string; origin: string }>>(
        s.api.url,
        'GET',
        `/api/v1/cards/${card.serial}/updates`,
        s.officer.token,
      );
      expect(view.body.find((u) => u.id === queued!.id)).toMatchObject({ state: 'awaiting-approval', origin: 'expiry' });

      // Past its end, the card is expired and its late renewal cancelled.
      clock.now = () => new Date(end + 86_400_000);
      const late = JSON.parse((await runCli(['card', 'expiry-sweep', '--json'], { env: s.officer.env })).stdout) as { expired: string[] };
      expect(late.expired).toContain(cardId);
      const row = await s.db.query<{ state: string }>(`SELECT state FROM card WHERE id = $1`, [cardId]);
      expect(row.rows[0].state).toBe('expired');
      expect((await updateRow(queued!.id)).state).toBe('cancelled');
      const refused = await runCli(['card', 'update', card.serial, '--renew'], { env: s.officer.env });
      expect(refused.code).not.toBe(0);
      expect(refused.stderr).toMatch(/card-update.card-not-updatable|only issued and active cards/);
    } finally {
      clock.now = realNow;
    }
  });
});
