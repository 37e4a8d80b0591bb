import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { runCli, startApi, testEnv } from '@scm/test-kit';

/**
 * A fresh install verifies: scripts/setup signs the first checkpoint of the audit chain (bin/scm
 * audit checkpoint) after the set-up commands that wrote its first events, so `bin/scm audit
 * verify` says OK before the API ever ran; and the API signs one more when it stops, so the chain
 * head it leaves is covered. On a database of this test's own.
 */
describe('a fresh install: the audit chain verifies from set-up on', () => {
  const name = `${new URL(testEnv.SCM_DATABASE_URL).pathname.slice(1)}_fresh`;
  const env = {
    SCM_DATABASE_URL: `postgres://scm_app@127.0.0.1:5432/${name}`,
    SCM_DATABASE_OWNER_URL: `postgres://scm_owner@127.0.0.1:5432/${name}`,
  };
  const dir = mkdtempSync(join(tmpdir(), 'scm-fresh-'));
  const cli = async (args: string[]) => {
    const r = await runCli(args, { env });
    return { code: r.code, out: r.stdout + r.stderr };
  };
  const verify = async () => {
    const r = await runCli(['audit', 'verify', '--json'], { env });
    return {
      code: r.code,
      report: JSON.parse(r.stdout) as { ok: boolean; head: { seq: number }; latestCheckpoint: { seq: number } | null; problems: string[] },
    };
  };

  afterAll(async () => {
    const admin = new Client({ connectionString: testEnv.SCM_DATABASE_ADMIN_URL });
    await admin.connect();
    try {
      await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    } finally {
      await admin.end();
    }
    rmSync(dir, { recursive: true, force: true });
  });

  it('says NOT VERIFIED without a signed checkpoint, VERIFIED after the one set-up signs, and the API covers its head when it stops', async () => {
    // What scripts/setup runs on a new machine: the database, then host commands that audit.
    expect(await cli(['db', 'setup', '--recreate', '--quiet'])).toMatchObject({ code: 0 });
    expect((await cli(['worker', 'enroll-token', '--local', '--workstation', '0', '--write-file', join(dir, 'ws0.token')])).code).toBe(0);
    const before = await verify();
    expect(before.code).toBe(1);
    expect(before.report.problems).toContain('no signed checkpoint: the chain is only self-consistent');

    const signed = await cli(['audit', 'checkpoint', '--quiet']);
    expect(signed).toMatchObject({ code: 0, out: expect.stringMatching(/^audit checkpoint signed at event \d+/) });
    // Idempotent: nothing new to sign, nothing printed with --quiet.
    expect(await cli(['audit', 'checkpoint', '--quiet'])).toEqual({ code: 0, out: '' });
    const after = await verify();
    expect([after.code, after.report.ok, after.report.problems]).toEqual([0, true, []]);
    const human = await cli(['audit', 'verify']);
    expect(human.out).toContain('OK: the chain verifies end to end against its latest signed checkpoint');

    // The API starts, records something, and stops: it signs the head it leaves behind.
    const api = await startApi({ ...env, SCM_CHECKPOINT_SECONDS: '3600' });
    try {
      expect((await cli(['worker', 'enroll-token', '--local', '--workstation', '1', '--write-file', join(dir, 'ws1.token')])).code).toBe(0);
      const running = await verify();
      expect(running.report.ok).toBe(true);
      expect(running.report.head.seq).toBeGreaterThan(running.report.latestCheckpoint!.seq);
    } finally {
      await api.close();
    }
    const stopped = await verify();
    expect(stopped.report.ok).toBe(true);
    expect(stopped.report.latestCheckpoint!.seq).toBe(stopped.report.head.seq);
  }, 120_000);
});
