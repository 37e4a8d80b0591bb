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

describe("the auditor's offline bundle", () => {
  it('exports and verifies without the database; a changed event, a dropped line or a foreign key are caught', async () => {
    const { mkdtempSync, readFileSync, writeFileSync, copyFileSync, mkdirSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const dir = join(mkdtempSync(join(tmpdir(), 'scm-bundle-')), 'b');
    const exp = await runCli(['audit', 'export', '--out', dir]);
    expect(exp.stderr).toBe('');
    expect(exp.stdout).toMatch(/exported \d+ events/);
    // offline: no database reachable at all
    const offline = { SCM_DATABASE_URL: 'postgres://nobody@127.0.0.1:1/none' };
    const ok = await runCli(['audit', 'verify', '--bundle', dir, '--trusted-key', join(dir, 'checkpoint-key.der')], { env: offline });
    expect([ok.code, ok.stdout]).toEqual([0, expect.stringMatching(/OK: the chain verifies end to end/)]);

    const copy = (name: string) => {
      const d = join(mkdtempSync(join(tmpdir(), 'scm-bundle-')), name);
      mkdirSync(d);
      for (const f of ['events.jsonl', 'checkpoints.json', 'checkpoint-key.der', 'manifest.json']) copyFileSync(join(dir, f), join(d, f));
      return d;
    };
    const lines = readFileSync(join(dir, 'events.jsonl'), 'utf8').split('\n');

    const altered = copy('altered');
    const ev = JSON.parse(lines[1]);
    ev.details = { ...ev.details, sneaky: true };
    writeFileSync(join(altered, 'events.jsonl'), [lines[0], JSON.stringify(ev), ...lines.slice(2)].join('\n'));
    const r1 = await runCli(['audit', 'verify', '--bundle', altered, '--json'], { env: offline });
    expect(r1.code).toBe(1);
    const rep1 = JSON.parse(r1.stdout);
    expect(rep1.broken).toEqual({ seq: 2, reason: 'event 2 was altered (its content does not match its hash)' });
    expect(rep1.fileProblems).toContain('events.jsonl does not match the manifest (changed, truncated or replaced)');

    const dropped = copy('dropped');
    writeFileSync(join(dropped, 'events.jsonl'), [lines[0], ...lines.slice(2)].join('\n'));
    const r2 = JSON.parse((await runCli(['audit', 'verify', '--bundle', dropped, '--json'], { env: offline })).stdout);
    expect(r2.broken.reason).toBe('event 2 is missing (next is 3)');

    const { generateKeyPairSync } = await import('node:crypto');
    const foreign = join(mkdtempSync(join(tmpdir(), 'scm-key-')), 'k.der');
    writeFileSync(foreign, generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({ format: 'der', type: 'spki' }));
    const r3 = await runCli(['audit', 'verify', '--bundle', dir, '--trusted-key', foreign, '--json'], { env: offline });
    expect(r3.code).toBe(1);
    expect(JSON.parse(r3.stdout).fileProblems).toContain('the bundle names a different checkpoint key than the one you trust');
  });
});
