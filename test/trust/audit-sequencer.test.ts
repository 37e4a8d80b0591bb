import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { AuditSequencer, appendAudit, type AuditEventInput, chainHead, readChain, summariseRun, verifyStoredChain } from '@scm/audit';
import { createDataSource } from '@scm/db';
import { appDb, testEnv } from '@scm/test-kit';
import type { DataSource } from 'typeorm';

/**
 * The audit chain's sequencer on the real database: events committed unchained by many writers,
 * chained by two sequencers (two API processes) without a gap, a fork or a double placement, and
 * the grants and trigger that let the application place an event once and change nothing else.
 */
describe('the audit sequencer', () => {
  let a: DataSource;
  let b: DataSource;
  const tag = `seq-test-${randomUUID()}`;
  const event = (i: number): AuditEventInput => ({
    actor: 'system:test',
    action: 'test.sequenced',
    targetType: 'test',
    targetId: tag,
    outcome: 'success',
    details: { i },
  });

  beforeAll(async () => {
    a = createDataSource(testEnv.SCM_DATABASE_URL, 10);
    b = createDataSource(testEnv.SCM_DATABASE_URL, 10);
    await Promise.all([a.initialize(), b.initialize()]);
  });
  afterAll(async () => {
    await a?.destroy();
    await b?.destroy();
  });

  it('chains what many writers commit, once each, in one contiguous chain, with two sequencers at work', async () => {
    const seqA = new AuditSequencer((fn) => a.transaction((em) => fn(em)), { batch: 7 });
    const seqB = new AuditSequencer((fn) => b.transaction((em) => fn(em)), { batch: 7 });
    const before = await chainHead(a);
    let i = 0;
    const groups: number[][] = [];
    await Promise.all(
      Array.from({ length: 12 }, async (_, w) => {
        const [ds, s] = w % 2 ? [b, seqB] : [a, seqA];
        for (let k = 0; k < 10; k++) {
          const group = Array.from({ length: 1 + (k % 3) }, () => i++);
          groups.push(group);
          const events = group.map(event);
          await ds.transaction((em) => appendAudit(em, events, new Date()));
          s.kick();
        }
      }),
    );
    // A writer that rolls back leaves nothing to chain.
    await expect(
      a.transaction(async (em) => {
        await appendAudit(em, [event(-1)], new Date());
        throw new Error('rolled back');
      }),
    ).rejects.toThrow('rolled back');
    await Promise.all([seqA.settle(), seqB.settle()]);
    const mine = (await a.query(`SELECT seq, details->>'i' AS i FROM audit_event WHERE target_id = $1`, [tag])) as Array<{
      seq: string | null;
      i: string;
    }>;
    expect(mine).toHaveLength(i);
    expect(mine.filter((r) => r.seq === null)).toEqual([]);
    expect(mine.some((r) => r.i === '-1')).toBe(false);
    // The chain from before the writers to the head: contiguous, linked, every hash right.
    const after = await chainHead(a);
    const run = [];
    for await (const r of readChain(a, before.seq + 1)) run.push(r);
    expect(run.length).toBe(after.seq - before.seq);
    const s = summariseRun(run, new Set());
    expect(s.broken).toBeNull();
    expect(s.first).toEqual({ seq: before.seq + 1, prevHash: before.hash });
    expect(s.last).toEqual(after);
    // The events of one transaction are chained in the order it recorded them.
    const seqOf = new Map(mine.map((r) => [Number(r.i), Number(r.seq)]));
    for (const g of groups) for (let k = 1; k < g.length; k++) expect(seqOf.get(g[k])!).toBeGreaterThan(seqOf.get(g[k - 1])!);
  });

  it('shows readers the chained prefix only: an unchained event is not at the head', async () => {
    const head = await chainHead(a);
    await a.transaction((em) => appendAudit(em, [event(1000)], new Date()));
    expect(await chainHead(a)).toEqual(head);
    const seqA = new AuditSequencer((fn) => a.transaction((em) => fn(em)));
    expect(await seqA.settle()).toBeGreaterThanOrEqual(1);
    expect((await chainHead(a)).seq).toBeGreaterThan(head.seq);
  });

  it("gives the application no UPDATE on audit rows: events are placed once through the owner's function", async () => {
    const app = await appDb();
    try {
      const id = randomUUID();
      await app.query(
        `INSERT INTO audit_event (id, at, actor, action, outcome, details) VALUES ($1, now(), 'system:test', 'test.grant', 'success', '{}')`,
        [id],
      );
      // no UPDATE privilege at all, not even on the chain columns
      await expect(app.query(`UPDATE audit_event SET action = 'test.forged' WHERE id = $1`, [id])).rejects.toThrow(/permission denied/);
      await expect(app.query(`UPDATE audit_event SET seq = -5, prev_hash = '\\x00', hash = '\\x00' WHERE id = $1`, [id])).rejects.toThrow(
        /permission denied/,
      );
      const { entry } = (await app.query(`SELECT entry FROM audit_event WHERE id = $1`, [id])).rows[0] as { entry: string };
      // half a chain position through the function: refused by the check
      await expect(
        app.query(`SELECT audit_place_events($1::bigint[], ARRAY[-5]::bigint[], ARRAY[NULL]::bytea[], ARRAY['\\x00']::bytea[])`, [[entry]]),
      ).rejects.toThrow();
      // the sequencer places it (and the other pending events)
      await new AuditSequencer((fn) => a.transaction((em) => fn(em))).settle();
      const placed = await app.query(`SELECT seq FROM audit_event WHERE id = $1`, [id]);
      expect(placed.rows[0].seq).not.toBeNull();
      // placed once: the function does not move it again
      const again = await app.query(
        `SELECT audit_place_events($1::bigint[], ARRAY[-6]::bigint[], ARRAY['\\x00']::bytea[], ARRAY['\\x00']::bytea[]) AS n`,
        [[entry]],
      );
      expect(again.rows[0].n).toBe(0);
      expect((await app.query(`SELECT seq FROM audit_event WHERE id = $1`, [id])).rows[0].seq).toBe(placed.rows[0].seq);
      await expect(app.query(`DELETE FROM audit_event WHERE id = $1`, [id])).rejects.toThrow(/permission denied/);
    } finally {
      await app.end();
    }
  });

  it('verifies with worker threads or in this thread to the same report', async () => {
    // The worker threads run compiled code: the build's copy of the library (npm run build).
    const built = join(__dirname, '..', '..', 'dist', 'libs', 'audit', 'src');
    expect(existsSync(join(built, 'verify-worker.js'))).toBe(true);
    const dist = (await import(join(built, 'index.js'))) as typeof import('@scm/audit');
    const inThread = await verifyStoredChain(a, [], { threads: 0 });
    const threaded = await dist.verifyStoredChain(a, [], { databaseUrl: testEnv.SCM_DATABASE_URL, threads: 2, range: 50 });
    expect(threaded).toEqual(inThread);
    expect(inThread.broken).toBeNull();
    expect(inThread.events).toBeGreaterThan(100);
  });
});
