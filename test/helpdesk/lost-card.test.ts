import { X509Certificate } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pemBlocks } from '@scm/common';
import { KEY_REF } from '@scm/piv';
import { approveAs, call, pendingApproval, reauth, runCli } from '@scm/test-kit';
import { expectOk, OPENSC_PKCS11, runTool, testReader } from '../card-engine/support';
import {
  activate,
  cardholder,
  directSession,
  type HelpdeskStack,
  insertInspected,
  issueCard,
  personalise,
  remove,
  startHelpdeskStack,
  type TestCard,
  waitFor,
  workerSocket,
} from './support';

/**
 * Issue 8, the help desk's flows for a lost card end to end on the real parts (API, card worker,
 * pcscd + vpcd, SoftHSM2, PostgreSQL, OpenSC, openssl), one test each: lost card → reissue (the
 * CRL served over HTTP lists the card's certificates as keyCompromise, two officers approve, the
 * card worker personalises a new blank card, OpenSC decrypts data encrypted to the old card's 9D
 * certificate with the old key, now in retired slot 82); key recovery (the officer's PKCS#12
 * holds the old key); PIN unblock at the workstation. The rules behind each step — refusals of a
 * second report, of self-approval, of an administrator approving, of a single approval, of a
 * recovery fetched early, by another officer or twice — are proven by the handlers' specs
 * (apps/issuer-api/src/help-desk/**, apps/issuer-api/src/trust/approvals/**).
 */
const READER = testReader(0, 0);
const PIN = '58273946';
const NEW_PIN = '71938264';
const SECRET = 'minutes of the board meeting, encrypted to the old card\n';

describe('help desk: a lost card, reissued from escrow; its keys recovered; a PIN unblocked', () => {
  let s: HelpdeskStack;
  let holder: { id: string; name: string };
  let old: { card: TestCard; requestId: string; cardId: string };
  let old9d: X509Certificate;
  let approvalId: string;
  let reissued: { card: TestCard; requestId: string; cardId: string };
  const oldSerials: string[] = [];

  beforeAll(async () => {
    s = await startHelpdeskStack([0]);
  }, 120_000);

  afterAll(async () => {
    for (const c of [old?.card, reissued?.card]) if (c) await remove(c).catch(() => undefined);
    await s?.close();
  });

  const sh = (file: string, args: string[]) => runTool(file, args, { cwd: s.tmp });

  it('lost card → reissue: the report revokes its certificates (keyCompromise in the CRL served over HTTP); two officers approve; the worker personalises a new card; OpenSC decrypts old data with the old 9D key in retired slot 82', async () => {
    holder = await cardholder(s);
    old = await issueCard(s, holder.id, READER);
    const certs = await s.db.query<{ serial: string; slot: string; der: Buffer }>(
      `SELECT serial, reference->>'slot' AS slot, der FROM ca_certificate WHERE reference->>'requestId' = $1`,
      [old.requestId],
    );
    expect(certs.rows.map((c) => c.slot).sort()).toEqual(['9a', '9c', '9d', '9e']);
    oldSerials.push(...certs.rows.map((c) => c.serial));
    old9d = new X509Certificate(certs.rows.find((c) => c.slot === '9d')!.der);
    writeFileSync(join(s.tmp, 'old-9d.pem'), old9d.toString());
    writeFileSync(join(s.tmp, 'secret.txt'), SECRET);
    // Someone encrypted a file to the card's key-management certificate while it was in use.
    expectOk(
      await sh('openssl', ['pkeyutl', '-encrypt', '-certin', '-inkey', 'old-9d.pem', '-in', 'secret.txt', '-out', 'secret.enc']),
      'encrypt',
    );

    const report = await runCli(['card-report', 'lost', '--card', old.card.serial, '--comment', 'lost on the train'], {
      env: s.helpdesk.env,
    });
    expect([report.code, report.stderr]).toEqual([0, '']);
    expect(report.stdout).toMatch(/reported lost: now lost; 4 certificate\(s\) revoked \(keyCompromise\)/);

    const ca = (await s.db.query<{ ca_id: string }>(`SELECT ca_id FROM ca_authority WHERE role = 'issuing'`)).rows[0].ca_id;
    const text = await waitFor('a CRL listing the lost card', async () => {
      const res = await fetch(`${s.api.url}/crl/${ca}.crl`);
      writeFileSync(join(s.tmp, 'issuing.crl'), Buffer.from(await res.arrayBuffer()));
      const out = expectOk(await sh('openssl', ['crl', '-inform', 'DER', '-in', 'issuing.crl', '-noout', '-text']), 'openssl crl').stdout;
      return oldSerials.every((x) => out.toUpperCase().includes(x.toUpperCase())) ? out : undefined;
    });
    for (const serial of oldSerials) {
      const entry = text
        .toUpperCase()
        .split('SERIAL NUMBER: ')
        .find((e) => e.startsWith(serial.toUpperCase()));
      expect([serial, entry]).toEqual([serial, expect.stringContaining('KEY COMPROMISE')]);
    }
    const audited = await s.db.query<{ details: { reason: string } }>(
      `SELECT details FROM audit_event WHERE action = 'card.reported' AND outcome = 'success' AND target_id = $1`,
      [old.cardId],
    );
    expect(audited.rows.map((r) => r.details.reason)).toEqual(['lost']);

    const req = await runCli(['reissue', 'request', '--card', old.card.serial, '--json'], { env: s.helpdesk.env });
    expect(req.code).toBe(0);
    const ticket = JSON.parse(req.stdout) as { approvalId: string; requiredApprovals: number; subjectHash: string };
    approvalId = ticket.approvalId;
    expect(ticket.requiredApprovals).toBe(2);

    // Two other officers approve: one over HTTP (after confirming their password), one through bin/scm.
    await reauth(s.api.url, s.approvers[0].token);
    const first = await call<{ status: string; approvals: number }>(
      s.api.url,
      'POST',
      `/api/v1/approvals/${approvalId}/approve`,
      s.approvers[0].token,
      {
        subjectHash: ticket.subjectHash,
      },
    );
    expect([first.status, first.body.status, first.body.approvals]).toEqual([200, 'pending', 1]);
    const second = await runCli(['approvals', 'approve', approvalId, '--yes'], { env: s.approvers[1].env });
    expect([second.code, second.stdout]).toEqual([0, `${approvalId}: executed (2/2 approvals)\n`]);
    const list = JSON.parse(
      (await runCli(['reissue', 'list', '--card', old.card.serial, '--json'], { env: s.helpdesk.env })).stdout,
    ) as Array<{
      requestId: string;
      requestState: string;
      vscId: string;
      state: string;
    }>;
    expect(list).toHaveLength(1);
    expect(list[0]).toMatchObject({ state: 'awaiting-card', requestState: 'awaiting-card' });

    const requestId = list[0].requestId;
    reissued = await personalise(s, requestId, READER);
    await waitFor('the old card to be replaced', async () => {
      const r = await s.db.query<{ state: string }>(`SELECT state FROM card WHERE id = $1`, [old.cardId]);
      return r.rows[0].state === 'replaced' ? true : undefined;
    });
    const reissuedAudit = await s.db.query<{ details: { reason: string; newCardId: string } }>(
      `SELECT details FROM audit_event WHERE action = 'card.reissued' AND target_id = $1`,
      [old.cardId],
    );
    expect(reissuedAudit.rows.map((r) => [r.details.reason, r.details.newCardId])).toEqual([['lost', reissued.cardId]]);

    const c = reissued.card;
    await insertInspected(s, c, READER);
    try {
      // What the new card holds: a new identity, a new 9D key, the old one in 82 with its certificate, Key History.
      const session = await directSession(c);
      const chuid = await session.readChuid();
      const newVsc = (await s.db.query<{ id: string }>(`SELECT id FROM vsc WHERE request_id = $1`, [requestId])).rows[0].id;
      expect(Buffer.from(chuid!.guid).toString('hex')).toBe(newVsc.replace(/-/g, ''));
      const retired = (await session.readCertificate(0x82))!.der;
      expect(Buffer.from(retired).equals(old9d.raw)).toBe(true);
      const current = new X509Certificate(Buffer.from((await session.readCertificate(0x9d))!.der));
      expect(current.serialNumber).not.toBe(old9d.serialNumber);
      expect(
        Buffer.from((await session.getMetadata(0x82)).publicKey!.spki).equals(old9d.publicKey.export({ format: 'der', type: 'spki' })),
      ).toBe(true);
      expect(await session.readKeyHistory()).toMatchObject({ onCard: 1, offCard: 0 });
      expect((await session.getMetadata(KEY_REF.PIN)).isDefault).toBe(false);

      await activate(s, c, READER, PIN);
      const listed = expectOk(
        await runTool('pkcs15-tool', ['--reader', READER.name, '--list-certificates'], { reader: READER }),
        'pkcs15-tool',
      ).stdout;
      expect((listed.match(/X\.509 Certificate \[/g) ?? []).length).toBe(5);
      const keys = expectOk(
        await runTool('pkcs15-tool', ['--reader', READER.name, '--list-keys'], { reader: READER }),
        'pkcs15-tool --list-keys',
      ).stdout;
      const retiredId = /Retired[^\n]*\n(?:[^\n]*\n)*?\s*ID\s*:\s*([0-9a-f]+)/i.exec(keys)?.[1];
      expect(retiredId).toBeDefined();
      const dec = await runTool(
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
      );
      expectOk(dec, 'pkcs11-tool --decrypt with the retired key');
      expect(readFileSync(join(s.tmp, 'secret.out'), 'utf8')).toBe(SECRET);
      // The new current 9D key cannot: the file was encrypted to the old one.
      const wrong = await runTool(
        'pkcs11-tool',
        [
          '--module',
          OPENSC_PKCS11,
          '--login',
          '--pin',
          PIN,
          '--decrypt',
          '--id',
          '03',
          '-m',
          'RSA-PKCS',
          '-i',
          'secret.enc',
          '-o',
          'wrong.out',
        ],
        { reader: READER, cwd: s.tmp },
      );
      expect(wrong.code === 0 && readFileSync(join(s.tmp, 'wrong.out'), 'utf8') === SECRET).toBe(false);
    } finally {
      await remove(c);
    }

    // The auditor sees the report and the reissue with their reason.
    const reissues = await call<{ rows: Array<{ action: string; card: string; reason: string; outcome: string }> }>(
      s.api.url,
      'GET',
      '/api/v1/reports/reissues',
      s.auditor.token,
    );
    expect(reissues.status).toBe(200);
    expect(
      reissues.body.rows.filter((r) => r.card === old.cardId && r.outcome === 'success').map((r) => `${r.action}:${r.reason}`),
    ).toEqual(['card.reported:lost', 'card.reissue-requested:lost', 'card.reissue-approved:lost', 'card.reissued:lost']);
  });

  it('key recovery: approved by two other officers, the requesting officer gets a PKCS#12 that openssl opens and that holds the old 9D key; the auditor sees both recoveries', async () => {
    const req = await runCli(['recover', 'request', '--card', old.card.serial, '--reason', 'read old mail of the cardholder', '--json'], {
      env: s.helpdesk.env,
    });
    expect(req.code).toBe(0);
    const { approvalId: recoveryApproval } = JSON.parse(req.stdout) as { approvalId: string };
    // The approvers read exactly which keys they release: the serials of their certificates.
    const subject = (await pendingApproval(s.api.url, s.approvers[0].token, recoveryApproval)).subject as { serials: string[] };
    expect(subject.serials).toHaveLength(2);
    expect(subject.serials).toContain(old9d.serialNumber.toLowerCase());
    for (const a of s.approvers) {
      const r = await approveAs(s.api.url, a.token, recoveryApproval);
      expect(r.status).toBe(200);
    }

    const password = 'a recovery passphrase of some length';
    const got = await runCli(['recover', 'fetch', recoveryApproval, '--out', join(s.tmp, 'keys.p12')], {
      env: { ...s.helpdesk.env, SCM_RECOVERY_PASSWORD: password },
    });
    expect([got.code, got.stderr]).toEqual([0, '']);
    expect(got.stdout).toMatch(/^2 key\(s\) written to /);
    const out = expectOk(
      await sh('openssl', ['pkcs12', '-in', 'keys.p12', '-passin', `pass:${password}`, '-nodes', '-out', 'keys.pem']),
      'openssl pkcs12',
    );
    expect(out.code).toBe(0);
    const pem = readFileSync(join(s.tmp, 'keys.pem'), 'utf8');
    const keys = pemBlocks(pem, 'PRIVATE KEY');
    expect(keys).toHaveLength(2);
    expect(pem).toContain(old9d.toString().trim().split('\n')[1]);
    // One of the keys decrypts what was encrypted to the old card's 9D certificate.
    let decrypted = 0;
    for (const [i, k] of keys.entries()) {
      writeFileSync(join(s.tmp, `k${i}.pem`), k);
      const r = await sh('openssl', ['pkeyutl', '-decrypt', '-inkey', `k${i}.pem`, '-in', 'secret.enc', '-out', `plain${i}.txt`]);
      if (r.code === 0 && readFileSync(join(s.tmp, `plain${i}.txt`), 'utf8') === SECRET) decrypted++;
    }
    expect(decrypted).toBe(1);
    // Delivered, and nothing of the PKCS#12 or the password is stored.
    const stored = await s.db.query<{ row: string }>(`SELECT row_to_json(k)::text AS row FROM key_recovery k WHERE approval_id = $1`, [
      recoveryApproval,
    ]);
    expect(stored.rows[0].row).not.toContain(password);
    expect(stored.rows[0].row).toContain('"state":"delivered"');

    // The auditor sees both recoveries of this cardholder's escrow (the reissue and this one) with their two approvers.
    const recoveries = await call<{ rows: Array<{ kind: string; request: string; requestedBy: string; approvers: string }> }>(
      s.api.url,
      'GET',
      '/api/v1/reports/recoveries',
      s.auditor.token,
    );
    const ours = recoveries.body.rows.filter((r) => r.requestedBy === s.helpdesk.name);
    expect(ours.map((r) => r.kind).sort()).toEqual(['key-recovery', 'reissue']);
    for (const r of ours) expect(r.approvers.split(', ').sort()).toEqual(s.approvers.map((a) => a.name).sort());
    expect(ours.find((r) => r.kind === 'reissue')!.request).toBe(approvalId);
  });

  it('PIN unblock: after an identity check the cardholder sets a new PIN at the workstation with the escrowed PUK; OpenSC accepts it', async () => {
    const c = reissued.card;
    await insertInspected(s, c, READER);
    try {
      for (let i = 0; i < 3; i++) {
        const wrong = await runTool('pkcs11-tool', ['--module', OPENSC_PKCS11, '--login', '--pin', '00000000', '--test'], {
          reader: READER,
          cwd: s.tmp,
        });
        expect(wrong.code).not.toBe(0);
      }
      const blocked = await runTool('pkcs11-tool', ['--module', OPENSC_PKCS11, '--login', '--pin', PIN, '--test'], {
        reader: READER,
        cwd: s.tmp,
      });
      expect(blocked.code).not.toBe(0);

      const early = await runCli(['unblock', 'pin', '--card', c.serial, '--socket', workerSocket(s, 0), '--pin-stdin'], {
        input: `${NEW_PIN}\n`,
      });
      expect(early.stderr).toMatch(/no officer opened an activation/);
      const start = await runCli(
        ['unblock', 'start', '--card', c.serial, '--workstation', '0', '--identity-check', 'passport seen at the desk'],
        {
          env: s.helpdesk.env,
        },
      );
      expect([start.code, start.stderr]).toEqual([0, '']);
      const typed = await runCli(['unblock', 'pin', '--card', c.serial, '--socket', workerSocket(s, 0), '--pin-stdin'], {
        input: `${NEW_PIN}\n`,
      });
      expect([typed.code, typed.stdout]).toEqual([0, `card ${c.serial}: the new PIN is set\n`]);

      const ok = await runTool('pkcs11-tool', ['--module', OPENSC_PKCS11, '--login', '--pin', NEW_PIN, '--test'], {
        reader: READER,
        cwd: s.tmp,
      });
      expectOk(ok, 'pkcs11-tool --login with the new PIN');
      const state = await s.db.query<{ state: string }>(`SELECT state FROM card WHERE id = $1`, [reissued.cardId]);
      expect(state.rows[0].state).toBe('active');
      const audit = await s.db.query<{ action: string; outcome: string }>(
        `SELECT action, outcome FROM audit_event WHERE target_id = $1 AND action LIKE 'card.p%' ORDER BY entry`,
        [reissued.cardId],
      );
      expect(audit.rows.map((r) => `${r.action}:${r.outcome}`)).toEqual(
        expect.arrayContaining(['card.pin-unblock-started:success', 'card.puk-released:success', 'card.pin-unblocked:success']),
      );
    } finally {
      await remove(c);
    }
  });
});
