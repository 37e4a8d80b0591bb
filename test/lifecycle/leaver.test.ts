import { X509Certificate } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pemBlocks } from '@scm/common';
import { approveAs, approveBySecondOfficer, call, loginAs, reauth, runCli, TEST_PASSWORD } from '@scm/test-kit';
import { CLOCK, type Clock } from '../../apps/issuer-api/src';
import { expectOk, runTool, testReader } from '../card-engine/support';
import { activate, cardholder, type HelpdeskStack, insertInspected, issueCard, remove, waitFor } from '../helpdesk/support';
import { startLifecycleStack } from './support';

/**
 * Leavers end to end on the real parts (API, card worker, pcscd + vpcd, SoftHSM2, PostgreSQL,
 * openssl, xorriso): a cardholder with an issued card left at home (on hold), a temporary card
 * standing in for it and a second request waiting for a card is terminated through bin/scm. Every
 * certificate of every card and request is revoked (cessationOfOperation in the CRL served over
 * HTTP), the card is terminated, the open request cancelled, the temporary card revoked and refused
 * to its host, the VSCs disabled. Within the retention period the escrowed 9D key is still
 * recovered (two officers approve) and a purge is refused; with the API's clock past the retention,
 * one officer proposes the purge and a second approves it: the escrow is emptied in PostgreSQL, the
 * purge recorded, recovery refused with a clear error, and reconciliation reports the archived copy
 * as purged in the database but still on the write-once volume. The rules (who may purge when, what
 * becomes of each card and request state) are proven by the specs in apps/issuer-api/src/lifecycle.
 */
const READER = testReader(0, 0);
const SECRET = 'payroll figures, encrypted to the leaver\n';
const RETENTION_DAYS = 30;

describe('leavers: termination, escrow kept for the retention period, then purged under dual control', () => {
  let s: HelpdeskStack;
  let holder: { id: string; name: string };
  let card: Awaited<ReturnType<typeof issueCard>>;
  let openRequest: string;
  let temporaryId: string;
  let old9d: X509Certificate;
  let clock: Clock;
  let realNow: () => Date;

  beforeAll(async () => {
    s = await startLifecycleStack([0], { SCM_ESCROW_RETENTION_DAYS: String(RETENTION_DAYS) });
    clock = s.api.app.get<Clock>(CLOCK);
    realNow = clock.now;
  }, 120_000);

  afterAll(async () => {
    if (clock && realNow) clock.now = realNow;
    if (card?.card) await remove(card.card).catch(() => undefined);
    await s?.close();
  });

  const sh = (file: string, args: string[]) => runTool(file, args, { cwd: s.tmp });
  const approveBoth = async (approvalId: string) => {
    for (const a of s.approvers) expect((await approveAs(s.api.url, a.token, approvalId)).status).toBe(200);
  };

  async function recoverKeys(file: string): Promise<{ code: number; stdout: string; stderr: string }> {
    const req = await runCli(['recover', 'request', '--card', card.card.serial, '--reason', 'the leaver’s encrypted files', '--json'], {
      env: s.helpdesk.env,
    });
    if (req.code !== 0) return req;
    const { approvalId } = JSON.parse(req.stdout) as { approvalId: string };
    await approveBoth(approvalId);
    return runCli(['recover', 'fetch', approvalId, '--out', join(s.tmp, file)], {
      env: { ...s.helpdesk.env, SCM_RECOVERY_PASSWORD: 'a recovery passphrase of some length' },
    });
  }

  it('a card left at home, a temporary card and a second request: terminating the cardholder ends every one of them and revokes every certificate (cessationOfOperation)', async () => {
    holder = await cardholder(s);
    card = await issueCard(s, holder.id, READER);
    old9d = new X509Certificate(
      (
        await s.db.query<{ der: Buffer }>(
          `SELECT der FROM ca_certificate WHERE reference->>'requestId' = $1 AND reference->>'slot' = '9d'`,
          [card.requestId],
        )
      ).rows[0].der,
    );
    writeFileSync(join(s.tmp, 'leaver-9d.pem'), old9d.toString());
    writeFileSync(join(s.tmp, 'secret.txt'), SECRET);
    expectOk(
      await sh('openssl', ['pkeyutl', '-encrypt', '-certin', '-inkey', 'leaver-9d.pem', '-in', 'secret.txt', '-out', 'secret.enc']),
      'encrypt',
    );

    // Activated, then left at home: on hold, and a temporary card (two officers approve) stands in for it.
    await insertInspected(s, card.card, READER);
    try {
      await activate(s, card.card, READER, '51836294');
    } finally {
      await remove(card.card);
    }
    const report = await runCli(['card-report', 'left-at-home', '--card', card.card.serial], { env: s.helpdesk.env });
    expect([report.code, report.stderr]).toEqual([0, '']);
    const tmpReq = await runCli(
      ['temporary-card', 'request', '--card', card.card.serial, '--host-worker', s.workers.get(0)!.id, '--days', '3', '--json'],
      { env: s.helpdesk.env },
    );
    expect([tmpReq.code, tmpReq.stderr]).toEqual([0, '']);
    const tmpApproval = (JSON.parse(tmpReq.stdout) as { approvalId: string }).approvalId;
    await approveBoth(tmpApproval);
    temporaryId = (await s.db.query<{ id: string }>(`SELECT id FROM temporary_card WHERE approval_id = $1`, [tmpApproval])).rows[0].id;

    // A second card, sponsored by another officer, waits for a blank card.
    const sponsorship = await call<{ id: string }>(s.api.url, 'POST', `/api/v1/cardholders/${holder.id}/sponsorship`, s.officer.token);
    expect(sponsorship.status).toBe(201);
    await approveBySecondOfficer(s.api.url, sponsorship.body);
    const second = await call<{ id: string }>(s.api.url, 'POST', '/api/v1/issuance-requests', s.officer.token, { cardholder: holder.id });
    expect(second.status).toBe(201);
    openRequest = second.body.id;
    await waitFor('the second request to wait for a card', async () => {
      const r = await s.db.query<{ state: string }>(`SELECT state FROM issuance_request WHERE id = $1`, [openRequest]);
      return r.rows[0]?.state === 'awaiting-card' ? true : undefined;
    });

    const before = await s.db.query<{ serial: string; status: string }>(
      `SELECT serial, status FROM ca_certificate
        WHERE reference->>'requestId' IN (SELECT id::text FROM issuance_request WHERE cardholder_id = $1)
           OR reference->>'temporaryCardId' = $2`,
      [holder.id, temporaryId],
    );
    const all = before.rows.map((r) => r.serial);
    // The first card's 4 (on hold), the waiting request's (valid), the temporary card's fresh ones (valid).
    expect(before.rows.filter((r) => r.status === 'on-hold').length).toBe(4);
    expect(before.rows.filter((r) => r.status === 'valid').length).toBeGreaterThanOrEqual(4);

    const t = await runCli(['cardholder', 'terminate', holder.id, '--reason', 'left the company on 2026-12-05'], { env: s.officer.env });
    expect([t.code, t.stderr]).toEqual([0, '']);
    expect(t.stdout).toContain(`${card.card.serial} suspended → terminated`);
    expect(t.stdout).toContain(`${openRequest} awaiting-card → cancelled`);
    expect(t.stdout).toContain(`temporary cards:  ${temporaryId}`);
    expect(t.stdout).toMatch(/escrow: +recoverable until /);
    // Twice is refused.
    const again = await runCli(['cardholder', 'terminate', holder.id, '--reason', 'again'], { env: s.officer.env });
    expect([again.code, again.stderr]).toEqual([1, expect.stringContaining('lifecycle.already-terminated')]);

    const after = await s.db.query<{ serial: string; status: string; reason: string | null }>(
      `SELECT serial, status, reason FROM ca_certificate WHERE serial = ANY($1::text[])`,
      [all],
    );
    expect(after.rows.map((r) => [r.serial, r.status, r.reason]).sort()).toEqual(
      all.map((x) => [x, 'revoked', 'cessationOfOperation']).sort(),
    );
    const state = async (sql: string, id: string) => (await s.db.query<{ v: string }>(sql, [id])).rows[0].v;
    expect(await state(`SELECT state AS v FROM card WHERE id = $1`, card.cardId)).toBe('terminated');
    expect(await state(`SELECT state AS v FROM issuance_request WHERE id = $1`, openRequest)).toBe('cancelled');
    expect(await state(`SELECT state AS v FROM temporary_card WHERE id = $1`, temporaryId)).toBe('revoked');
    expect(await state(`SELECT status AS v FROM cardholder WHERE id = $1`, holder.id)).toBe('offboarded');
    const vscs = await s.db.query<{ status: string }>(
      `SELECT state->>'status' AS status FROM vsc WHERE cardholder_id = $1 OR request_id IN (SELECT id FROM issuance_request WHERE cardholder_id = $1)`,
      [holder.id],
    );
    expect(vscs.rows.length).toBeGreaterThanOrEqual(3);
    expect(new Set(vscs.rows.map((r) => r.status))).toEqual(new Set(['disabled']));

    // The CRL served over HTTP lists every one of them as cessationOfOperation.
    const ca = (await s.db.query<{ ca_id: string }>(`SELECT ca_id FROM ca_authority WHERE role = 'issuing'`)).rows[0].ca_id;
    const crl = await waitFor('a CRL listing every certificate of the leaver', async () => {
      const res = await fetch(`${s.api.url}/crl/${ca}.crl`);
      writeFileSync(join(s.tmp, 'issuing.crl'), Buffer.from(await res.arrayBuffer()));
      const out = expectOk(
        await sh('openssl', ['crl', '-inform', 'DER', '-in', 'issuing.crl', '-noout', '-text']),
        'openssl crl',
      ).stdout.toUpperCase();
      return all.every((x) => out.includes(x.toUpperCase())) ? out : undefined;
    });
    for (const serial of all) {
      const entry = crl.split('SERIAL NUMBER: ').find((e) => e.startsWith(serial.toUpperCase()));
      expect([serial, entry]).toEqual([serial, expect.stringContaining('CESSATION OF OPERATION')]);
    }

    // The temporary card is refused to its host.
    const serve = await runCli(['temporary-card', 'serve', temporaryId, '--port', String(testReader(0, 1).port), '--check-seconds', '1'], {
      env: { SCM_API_URL: s.api.url, SCM_STATE_DIR: s.workers.get(0)!.stateDir, SCM_WORKSTATION: '0' },
      timeoutMs: 30_000,
    });
    expect(serve.code).not.toBe(0);
    expect(`${serve.stdout}${serve.stderr}`).toMatch(/temporary card [0-9a-f-]+ is revoked/);

    const audited = await s.db.query<{ details: { certificates: string[]; retainUntil: string } }>(
      `SELECT details FROM audit_event WHERE action = 'cardholder.terminated' AND outcome = 'success' AND target_id = $1`,
      [holder.id],
    );
    expect(audited.rows).toHaveLength(1);
    expect(new Date(audited.rows[0].details.retainUntil).getTime() - Date.now()).toBeGreaterThan((RETENTION_DAYS - 1) * 86_400_000);
  });

  it('within the retention period the escrowed 9D key is still recovered (two officers approve), and a purge is refused', async () => {
    const got = await recoverKeys('within.p12');
    expect([got.code, got.stderr]).toEqual([0, '']);
    const password = 'a recovery passphrase of some length';
    expectOk(await sh('openssl', ['pkcs12', '-in', 'within.p12', '-passin', `pass:${password}`, '-nodes', '-out', 'within.pem']), 'pkcs12');
    const keys = pemBlocks(readFileSync(join(s.tmp, 'within.pem'), 'utf8'), 'PRIVATE KEY');
    let decrypted = 0;
    for (const [i, k] of keys.entries()) {
      writeFileSync(join(s.tmp, `k${i}.pem`), k);
      const r = await sh('openssl', ['pkeyutl', '-decrypt', '-inkey', `k${i}.pem`, '-in', 'secret.enc', '-out', `plain${i}.txt`]);
      if (r.code === 0 && readFileSync(join(s.tmp, `plain${i}.txt`), 'utf8') === SECRET) decrypted++;
    }
    expect(decrypted).toBe(1);

    const early = await runCli(['cardholder', 'purge-escrow', holder.id], { env: s.officer.env });
    expect(early.code).toBe(1);
    expect(early.stderr).toMatch(/lifecycle\.retention-running/);
    expect(early.stderr).toMatch(/stay recoverable until \d{4}-/);
  });

  it('past the retention: one officer proposes the purge, a second approves; the escrow is emptied, the purge recorded, recovery refused, and reconciliation knows the archived copy', async () => {
    // The card's escrow goes to a write-once volume first.
    const sealed = await call<{ sealed: boolean; volume: number }>(s.api.url, 'POST', '/api/v1/archive/volumes', s.officer.token);
    expect([sealed.status, sealed.body.sealed]).toEqual([200, true]);
    const vscId = (await s.db.query<{ vsc_id: string }>(`SELECT vsc_id FROM card WHERE id = $1`, [card.cardId])).rows[0].vsc_id;
    const volume = (await s.db.query<{ volume: number }>(`SELECT volume FROM archive_entry WHERE vsc_id = $1`, [vscId])).rows[0].volume;

    // The API's clock moves past the retention period; the officers log in again on it.
    const later = Date.now() + (RETENTION_DAYS + 1) * 86_400_000;
    const offset = later - Date.now();
    clock.now = () => new Date(Date.now() + offset);
    const proposer = await loginAs(s.api.url, s.officer.name);
    const approver = await loginAs(s.api.url, s.approvers[0].name);
    await reauth(s.api.url, proposer, TEST_PASSWORD);
    const proposal = await call<{ id: string; kind: string }>(s.api.url, 'POST', `/api/v1/cardholders/${holder.id}/escrow-purge`, proposer);
    expect([proposal.status, proposal.body.kind]).toEqual([201, 'escrow-purge']);
    // Never by the proposer.
    const self = await approveAs<{ code: string }>(s.api.url, proposer, proposal.body.id);
    expect(self.body.code).toBe('approval.self-approval');
    const approved = await approveAs(s.api.url, approver, proposal.body.id);
    expect([approved.status, approved.body.status]).toEqual([200, 'executed']);

    const versions = await s.db.query<{ vsc_id: string; size: number; purged: boolean }>(
      `SELECT vv.vsc_id, length(vv.content) AS size, vv.purged_at IS NOT NULL AS purged FROM vsc_version vv JOIN vsc v ON v.id = vv.vsc_id
        WHERE vv.escrowed_at IS NOT NULL
          AND (v.cardholder_id = $1 OR v.request_id IN (SELECT id FROM issuance_request WHERE cardholder_id = $1))`,
      [holder.id],
    );
    expect(versions.rows.length).toBeGreaterThanOrEqual(2);
    expect(versions.rows.every((r) => r.size === 0 && r.purged)).toBe(true);
    const record = await call<{ escrow: string; purge: { approvedBy: string; versions: Array<{ vscId: string; volume: number | null }> } }>(
      s.api.url,
      'GET',
      `/api/v1/cardholders/${holder.id}/termination`,
      approver,
    );
    expect(record.body.escrow).toBe('purged');
    expect(record.body.purge.approvedBy).toBe(`user:${s.approvers[0].id}`);
    expect(record.body.purge.versions).toEqual(expect.arrayContaining([expect.objectContaining({ vscId, volume })]));
    // A purged version is never changed back, nor deleted, even by the schema owner's application role.
    const tamper = await s.db.query(`UPDATE vsc_version SET purged_at = NULL WHERE vsc_id = $1`, [vscId]).catch((e: Error) => e);
    expect(tamper).toBeInstanceOf(Error);

    // Recovery is refused, with the reason.
    clock.now = realNow;
    const refused = await recoverKeys('after.p12');
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/archive\.purged/);
    expect(refused.stderr).toMatch(/was purged at .* after its retention period .*: its keys can no longer be recovered/);

    // Reconciliation: not missing; the archived copy is purged in the database but stays on the volume.
    const rec = await call<{ missing: Array<{ vscId: string }>; purged: Array<{ vscId: string; volumes: number[]; note: string }> }>(
      s.api.url,
      'GET',
      '/api/v1/archive/reconciliation',
      s.auditor.token,
    );
    expect(rec.status).toBe(200);
    expect(rec.body.missing.filter((m) => m.vscId === vscId)).toEqual([]);
    const ours = rec.body.purged.filter((p) => p.vscId === vscId);
    expect(ours.length).toBeGreaterThanOrEqual(1);
    for (const p of ours)
      expect(p).toMatchObject({
        volumes: [volume],
        note: `purged in DB, still on write-once media until the destruction of volume ${volume}`,
      });
    const audit = await s.db.query<{ action: string }>(
      `SELECT action FROM audit_event WHERE (target_id = $1 AND action = 'cardholder.escrow-purged') OR (target_id = $2 AND action = 'vsc.purged')`,
      [holder.id, vscId],
    );
    expect(audit.rows.filter((r) => r.action === 'cardholder.escrow-purged')).toHaveLength(1);
    expect(audit.rows.filter((r) => r.action === 'vsc.purged')).toHaveLength(ours.length);
  });
});
