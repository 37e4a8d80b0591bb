import { createHash, randomUUID } from 'node:crypto';
import { ApprovalsService, systemActor, UnitOfWork } from '../../apps/issuer-api/src';
import { appDb, call, createTestUser, loginAs, reauth, startApi, uniqueName, type RunningApi } from '@scm/test-kit';

type Decision = { status: string; approvals: number; requiredApprovals: number; code?: string };

describe('dual control (real PostgreSQL)', () => {
  let api: RunningApi;
  const executed: string[] = [];
  let admin1: { id: string; token: string };
  let admin2: { id: string; token: string };
  let officer1: { id: string; token: string };
  let officer2: { id: string; token: string };
  let officerAdmin: { id: string; token: string };

  const user = async (roles: Parameters<typeof createTestUser>[1]) => {
    const u = uniqueName(roles.join('.'));
    const id = await createTestUser(u, roles);
    return { id, token: await loginAs(api.url, u), name: u };
  };

  beforeAll(async () => {
    api = await startApi();
    // A dual-control kind approved by security officers, as recoveries will be.
    api.app.get(ApprovalsService).register('test-recovery', async (tx, req) => {
      executed.push(req.id);
      tx.audit({ action: 'test.recovered', targetType: 'approval', targetId: req.id, outcome: 'success' });
    });
    admin1 = await user(['admin']);
    admin2 = await user(['admin']);
    officer1 = await user(['security-officer']);
    officer2 = await user(['security-officer']);
    officerAdmin = await user(['security-officer', 'admin']);
  });
  afterAll(() => api.close());

  const requestRecovery = (requestedBy: string, required = 2) =>
    api.app.get(UnitOfWork).run(systemActor('test'), (tx) =>
      api.app.get(ApprovalsService).request(tx, {
        kind: 'test-recovery',
        subject: { vsc: randomUUID() },
        approverRole: 'security-officer',
        requiredApprovals: required,
        requestedBy,
      }),
    );
  /** The subject hash an approver is shown for a request. */
  const shownHash = async (id: string): Promise<string> => {
    const db = await appDb();
    try {
      return (await db.query(`SELECT encode(subject_hash, 'hex') AS h FROM approval_request WHERE id = $1`, [id])).rows[0].h as string;
    } finally {
      await db.end();
    }
  };
  /** A decision naming the subject hash shown, unless the body says otherwise. */
  const decide = async (id: string, token: string, body?: Record<string, unknown>, verb = 'approve') =>
    call<Decision>(api.url, 'POST', `/api/v1/approvals/${id}/${verb}`, token, body ?? { subjectHash: await shownHash(id) });

  it('grants a role only after a second admin approves', async () => {
    const target = await user(['help-desk']);
    const r = await call<{ approvalId: string }>(api.url, 'POST', `/api/v1/users/${target.id}/roles`, admin1.token, { role: 'auditor' });
    expect(r.status).toBe(201);
    const meBefore = await call<{ roles: string[] }>(api.url, 'GET', '/api/v1/auth/me', target.token);
    expect(meBefore.body.roles).toEqual(['help-desk']);

    const self = await decide(r.body.approvalId, admin1.token);
    expect([self.status, self.body.code]).toEqual([403, 'approval.self-approval']);
    const notAdmin = await decide(r.body.approvalId, officer1.token);
    expect([notAdmin.status, notAdmin.body.code]).toEqual([403, 'approval.not-allowed']);

    const ok = await decide(r.body.approvalId, admin2.token);
    expect(ok.body).toMatchObject({ status: 'executed', approvals: 1 });
    const meAfter = await call<{ roles: string[] }>(api.url, 'GET', '/api/v1/auth/me', target.token);
    expect(meAfter.body.roles.sort()).toEqual(['auditor', 'help-desk']);

    const again = await decide(r.body.approvalId, admin1.token);
    expect([again.status, again.body.code]).toEqual([409, 'approval.closed']);
  });

  it('needs m-of-n officers other than the requester; admins cannot approve; one approval is not enough', async () => {
    const req = await requestRecovery(officer1.id);
    expect((await decide(req.id, officer1.token)).body.code).toBe('approval.self-approval');
    expect((await decide(req.id, admin1.token)).status).toBe(403);
    const byOfficerAdmin = await decide(req.id, officerAdmin.token);
    expect([byOfficerAdmin.status, byOfficerAdmin.body.code]).toEqual([403, 'approval.not-allowed']);
    const first = await decide(req.id, officer2.token);
    expect(first.body).toMatchObject({ status: 'pending', approvals: 1, requiredApprovals: 2 });
    expect(executed).not.toContain(req.id);
    const twice = await decide(req.id, officer2.token);
    expect([twice.status, twice.body.code]).toEqual([409, 'approval.already-decided']);
    const third = await user(['security-officer']);
    const second = await decide(req.id, third.token);
    expect(second.body).toMatchObject({ status: 'executed', approvals: 2 });
    expect(executed).toContain(req.id);
  });

  it('binds an approval to the exact subject shown, and expires', async () => {
    const req = await requestRecovery(officer1.id, 1);
    const wrong = await decide(req.id, officer2.token, { subjectHash: 'ab'.repeat(32) });
    expect([wrong.status, wrong.body.code]).toEqual([409, 'approval.subject-mismatch']);
    const old = await requestRecovery(officer1.id, 1);
    const db = await appDb();
    try {
      await db.query(`UPDATE approval_request SET expires_at = now() - interval '1 minute' WHERE id = $1`, [old.id]);
    } finally {
      await db.end();
    }
    const late = await decide(old.id, officer2.token);
    expect([late.status, late.body.code]).toEqual([410, 'approval.expired']);
    expect(executed).not.toContain(old.id);
    const right = await decide(req.id, officer2.token, { subjectHash: req.subjectHash.toString('hex') });
    expect(right.body.status).toBe('executed');
  });

  it('audits every decision, refusals included', async () => {
    const db = await appDb();
    try {
      const rows = await db.query(
        `SELECT action, outcome, details->>'reason' AS reason FROM audit_event WHERE action LIKE 'approval.%' ORDER BY entry`,
      );
      const seen = rows.rows.map((r) => `${r.action}:${r.outcome}:${r.reason ?? ''}`);
      expect(seen).toEqual(
        expect.arrayContaining([
          'approval.approve:denied:approval.self-approval',
          'approval.approve:denied:approval.not-allowed',
          'approval.approve:denied:approval.subject-mismatch',
          'approval.expired:success:',
          'approval.approve:success:',
          'approval.executed:success:',
        ]),
      );
    } finally {
      await db.end();
    }
  });

  it('refuses an approval that names no subject hash, and one without a recent password confirmation (stale session)', async () => {
    const req = await requestRecovery(officer1.id, 1);
    const hashless = await decide(req.id, officer2.token, {});
    expect([hashless.status, hashless.body.code]).toEqual([400, 'approval.subject-required']);
    // the session is older than SCM_REAUTH_MINUTES and was never confirmed since
    const db = await appDb();
    try {
      await db.query(`UPDATE session SET created_at = now() - interval '1 hour', reauthenticated_at = NULL WHERE token_hash = $1`, [
        createHash('sha256').update(officer2.token, 'utf8').digest(),
      ]);
    } finally {
      await db.end();
    }
    const stale = await decide(req.id, officer2.token);
    expect([stale.status, stale.body.code]).toEqual([403, 'auth.reauth-required']);
    expect(executed).not.toContain(req.id);
    await reauth(api.url, officer2.token);
    expect((await decide(req.id, officer2.token)).body.status).toBe('executed');
  });
});
