import { createHash } from 'node:crypto';
import { call, testEnv, waitFor } from '@scm/test-kit';
import { Client } from 'pg';
import { cardholder, type HelpdeskStack, startHelpdeskStack } from '../helpdesk/support';

/**
 * Issue 19: a stored VSC copy whose seal does not verify is an integrity alarm — a problem+json
 * with its own code and status, audited, naming the VSC, version, KEK and HSM session — never an
 * internal error. The copy is changed as a failing disk or an intruder with superuser rights on
 * the database would (the row's SHA-256 made to match, so only the seal can tell).
 */
describe('integrity alarm: a stored copy that fails its seal', () => {
  let s: HelpdeskStack;
  let vscId: string;

  beforeAll(async () => {
    s = await startHelpdeskStack([]);
  });
  afterAll(async () => {
    await s?.close();
  });

  it('issues a request whose VSC is escrowed', async () => {
    const holder = await cardholder(s);
    const r = await call<{ id: string }>(s.api.url, 'POST', '/api/v1/issuance-requests', s.officer.token, { cardholder: holder.id });
    expect(r.status).toBe(201);
    vscId = await waitFor('the escrow to be committed', async () => {
      const q = await s.db.query<{ id: string }>(
        `SELECT v.id FROM vsc v JOIN vsc_version x ON x.vsc_id = v.id WHERE v.request_id = $1 AND x.escrowed_at IS NOT NULL`,
        [r.body.id],
      );
      return q.rows[0]?.id;
    });
  });

  it('refuses the copy with vsc-escrow.integrity-alarm (500, problem+json), audited with what explains it', async () => {
    const admin = new Client({
      connectionString: `postgres://postgres@127.0.0.1:5432/${new URL(testEnv.SCM_DATABASE_URL).pathname.slice(1)}`,
    });
    await admin.connect();
    try {
      const v = await admin.query<{ content: Buffer }>(`SELECT content FROM vsc_version WHERE vsc_id = $1 AND version = 1`, [vscId]);
      const content = Buffer.from(v.rows[0].content);
      content[content.length - 1] ^= 0x01; // the last byte of the seal MAC
      await admin.query(`SET session_replication_role = replica`); // past the trigger that keeps versions immutable
      await admin.query(`UPDATE vsc_version SET content = $2, sha256 = $3 WHERE vsc_id = $1 AND version = 1`, [
        vscId,
        content,
        createHash('sha256').update(content).digest(),
      ]);
    } finally {
      await admin.end();
    }
    const holderId = (await s.db.query<{ cardholder_id: string }>(`SELECT cardholder_id FROM vsc WHERE id = $1`, [vscId])).rows[0]
      .cardholder_id;
    // Asking for the recovery reads the copy back (the approval names the serials of the keys it
    // releases), so the damaged copy is refused before anyone approves anything.
    const res = await fetch(`${s.api.url}/api/v1/key-recoveries`, {
      method: 'POST',
      headers: { authorization: `Bearer ${s.helpdesk.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ cardholder: holderId, reason: 'read the mail of a cardholder who left' }),
    });
    expect(res.status).toBe(500);
    expect(res.headers.get('content-type')).toMatch(/application\/problem\+json/);
    const problem = (await res.json()) as Record<string, unknown>;
    expect(problem).toMatchObject({
      code: 'vsc-escrow.integrity-alarm',
      status: 500,
      vscId,
      version: 1,
      source: 'escrow',
      check: 'vsc.integrity.seal',
      kek: 'scm-vsc-kek/1',
      hsmSession: expect.any(Number),
      hsmSessions: 4,
    });
    expect(String(problem.detail)).toMatch(/integrity alarm/);
    const audit = await s.db.query<{ actor: string; outcome: string; details: Record<string, unknown> }>(
      `SELECT actor, outcome, details FROM audit_event WHERE action = 'vsc.integrity-alarm' AND target_id = $1`,
      [vscId],
    );
    expect(audit.rows).toEqual([
      {
        actor: `user:${s.helpdesk.id}`,
        outcome: 'failure',
        details: expect.objectContaining({
          vscId,
          version: 1,
          check: 'vsc.integrity.seal',
          kek: 'scm-vsc-kek/1',
          hsmSession: expect.any(Number),
        }),
      },
    ]);
    // Nothing was asked of the approvers, so nothing can be delivered.
    const asked = await s.db.query(`SELECT 1 FROM approval_request WHERE kind = 'key-recovery' AND subject->>'cardholderId' = $1`, [
      holderId,
    ]);
    expect(asked.rows).toHaveLength(0);
  });
});
