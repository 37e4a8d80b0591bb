import type { Client } from 'pg';
import { appDb, call, createTestUser, loginAs, ownerDb, runCli, startApi, uniqueName, type RunningApi } from '@scm/test-kit';

/**
 * The audit chain on the real database: verification with bin/scm audit verify, and three kinds
 * of tampering by someone with the owner's rights. Each tamper is undone afterwards so the chain
 * stays whole for the tests that follow.
 */
describe('the tamper-evident audit chain', () => {
  let api: RunningApi;
  let auditor: string;
  let owner: Client;

  beforeAll(async () => {
    api = await startApi();
    const a = uniqueName('auditor');
    await createTestUser(a, ['auditor']);
    auditor = await loginAs(api.url, a);
    // some history: failed and successful logins, a checkpoint, more history, a checkpoint
    for (let i = 0; i < 3; i++)
      await call(api.url, 'POST', '/api/v1/auth/login', undefined, { username: a, password: `wrong password ${i}` });
    await loginAs(api.url, a);
    expect((await call(api.url, 'POST', '/api/v1/audit/checkpoints', auditor)).status).toBe(200);
    for (let i = 0; i < 4; i++) await loginAs(api.url, a);
    expect((await call(api.url, 'POST', '/api/v1/audit/checkpoints', auditor)).status).toBe(200);
    owner = await ownerDb();
  });
  afterAll(async () => {
    await owner?.end();
    await api?.close();
  });

  const verify = () => runCli(['audit', 'verify', '--json']);
  const report = async () => {
    const r = await verify();
    return {
      code: r.code,
      rep: JSON.parse(r.stdout) as {
        ok: boolean;
        broken: { seq: number; reason: string } | null;
        head: { seq: number };
        problems: string[];
      },
    };
  };
  const asIntruder = async (fn: () => Promise<void>) => {
    await owner.query('ALTER TABLE audit_event DISABLE TRIGGER audit_event_no_update');
    try {
      await fn();
    } finally {
      await owner.query('ALTER TABLE audit_event ENABLE TRIGGER audit_event_no_update');
    }
  };
  const lastCheckpoint = async () => Number((await owner.query('SELECT max(seq) AS s FROM audit_checkpoint')).rows[0].s);

  it('verifies end to end against the latest signed checkpoint (CLI and API agree)', async () => {
    const { code, rep } = await report();
    expect(rep.problems).toEqual([]);
    expect([code, rep.ok, rep.broken]).toEqual([0, true, null]);
    const viaApi = await call<{ ok: boolean }>(api.url, 'GET', '/api/v1/audit/verify', auditor);
    expect(viaApi.body.ok).toBe(true);
    const human = await runCli(['audit', 'verify']);
    expect(human.stdout).toMatch(/OK: the chain verifies end to end/);
  });

  it('refuses UPDATE, DELETE and TRUNCATE of audit rows to the application role', async () => {
    const app = await appDb();
    try {
      await expect(app.query(`UPDATE audit_event SET outcome = 'success' WHERE seq = 1`)).rejects.toThrow(/permission denied/);
      await expect(app.query(`DELETE FROM audit_event WHERE seq = 1`)).rejects.toThrow(/permission denied/);
      await expect(app.query(`TRUNCATE audit_event`)).rejects.toThrow(/permission denied/);
      await expect(app.query(`DELETE FROM audit_checkpoint`)).rejects.toThrow(/permission denied/);
      // and even the owner is stopped unless the trigger is switched off first
      await expect(owner.query(`UPDATE audit_event SET outcome = 'success' WHERE seq = 1`)).rejects.toThrow(/append-only/);
    } finally {
      await app.end();
    }
  });

  it('names a row altered in the database', async () => {
    const seq = 3;
    const before = (await owner.query('SELECT details FROM audit_event WHERE seq = $1', [seq])).rows[0].details;
    await asIntruder(() =>
      owner.query(`UPDATE audit_event SET details = details || '{"username":"someone-else"}' WHERE seq = $1`, [seq]).then(() => undefined),
    );
    try {
      const { code, rep } = await report();
      expect(code).toBe(1);
      expect(rep.broken).toEqual({ seq, reason: `event ${seq} was altered (its content does not match its hash)` });
      const human = await runCli(['audit', 'verify']);
      expect(human.stdout).toMatch(new RegExp(`BROKEN at ${seq}: event ${seq} was altered`));
    } finally {
      await asIntruder(() => owner.query('UPDATE audit_event SET details = $2 WHERE seq = $1', [seq, before]).then(() => undefined));
    }
    expect((await report()).rep.ok).toBe(true);
  });

  it('detects a truncated tail', async () => {
    const cp = await lastCheckpoint();
    const cut = cp - 2;
    const removed = (await owner.query('SELECT * FROM audit_event WHERE seq > $1 ORDER BY seq', [cut])).rows;
    await asIntruder(() => owner.query('DELETE FROM audit_event WHERE seq > $1', [cut]).then(() => undefined));
    try {
      const { code, rep } = await report();
      expect(code).toBe(1);
      expect(rep.broken?.seq).toBe(cut + 1);
      expect(rep.broken?.reason).toMatch(new RegExp(`truncated: a checkpoint .* covers event ${cp} but the chain ends at ${cut}`));
    } finally {
      await asIntruder(async () => {
        for (const r of removed) {
          await owner.query(
            `INSERT INTO audit_event (seq, id, at, actor, actor_name, role, action, target_type, target_id, outcome, request_id, details, prev_hash, hash)
             VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14)`,
            [
              r.seq,
              r.id,
              r.at,
              r.actor,
              r.actor_name,
              r.role,
              r.action,
              r.target_type,
              r.target_id,
              r.outcome,
              r.request_id,
              r.details,
              r.prev_hash,
              r.hash,
            ],
          );
        }
      });
    }
    expect((await report()).rep.ok).toBe(true);
  });

  it('detects a suffix rewritten with consistently recomputed hashes', async () => {
    const { eventHash, rowToRecord } = await import('@scm/audit');
    const cp = await lastCheckpoint();
    const from = cp - 3;
    const original = (await owner.query('SELECT * FROM audit_event WHERE seq >= $1 ORDER BY seq', [from])).rows;
    const prevHash = (await owner.query('SELECT hash FROM audit_event WHERE seq = $1', [from - 1])).rows[0].hash.toString('hex');
    await asIntruder(async () => {
      let prev = prevHash;
      for (const row of original) {
        const rec = rowToRecord(row);
        const forged = { ...rec, prevHash: prev, details: rec.seq === from ? { ...rec.details, forged: true } : rec.details };
        const hash = eventHash(forged);
        await owner.query('UPDATE audit_event SET details = $2, prev_hash = $3, hash = $4 WHERE seq = $1', [
          rec.seq,
          forged.details,
          Buffer.from(prev, 'hex'),
          Buffer.from(hash, 'hex'),
        ]);
        prev = hash;
      }
    });
    try {
      const { code, rep } = await report();
      expect(code).toBe(1);
      expect(rep.broken?.reason).toMatch(new RegExp(`\\.\\.${cp} were rewritten: the chain at ${cp} does not match the checkpoint`));
      expect(rep.broken!.seq).toBeLessThanOrEqual(from);
    } finally {
      await asIntruder(async () => {
        for (const r of original)
          await owner.query('UPDATE audit_event SET details = $2, prev_hash = $3, hash = $4 WHERE seq = $1', [
            r.seq,
            r.details,
            r.prev_hash,
            r.hash,
          ]);
      });
    }
    expect((await report()).rep.ok).toBe(true);
  });
});
