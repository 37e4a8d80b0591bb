import { Queue } from 'bullmq';
import type { Client } from 'pg';
import { appDb, sleep, startApiReplicas, testEnv, waitFor, type ApiReplica } from '@scm/test-kit';

/** The periodic jobs these replicas run every second or two (the CRL job's period is a minute at least). */
const PERIOD_MS: Record<string, number> = {
  'write-audit-checkpoint': 1000,
  'sweep-temporary-cards': 1000,
  'sweep-reissues': 1000,
  // The stalled-attempt watchdog sweeps four times per stall period (8 s here).
  'sweep-stalled-attempts': 2000,
};
const FAST = Object.keys(PERIOD_MS);
const ENV = {
  SCM_CHECKPOINT_SECONDS: '1',
  SCM_HELPDESK_SWEEP_SECONDS: '1',
  SCM_PERSONALISATION_STALL_SECONDS: '8',
  // The test reads the replicas' logs of their runs.
  SCM_LOG_LEVEL: 'info',
};

type Run = { job: string; period: string; replica: string };
type Row = { job: string; period_at: Date; replica: string; started_at: Date; outcome: string | null };

/** The runs the replicas logged (`periodic job ran`), from their log files. */
function loggedRuns(...replicas: ApiReplica[]): Run[] {
  const runs: Run[] = [];
  for (const r of replicas)
    for (const line of r.log().split('\n')) {
      if (!line.includes('"periodic job ran"')) continue;
      const j = JSON.parse(line) as Run;
      runs.push({ job: j.job, period: j.period, replica: j.replica });
    }
  return runs;
}

const duplicates = (runs: Run[]): string[] => {
  const seen = new Map<string, number>();
  for (const r of runs) seen.set(`${r.job}@${r.period}`, (seen.get(`${r.job}@${r.period}`) ?? 0) + 1);
  return [...seen].filter(([, n]) => n > 1).map(([k, n]) => `${k} ×${n}`);
};

/** Gaps between consecutive periods of each job in `rows` longer than its period. */
const gaps = (rows: Row[]): string[] => {
  const out: string[] = [];
  for (const job of FAST) {
    const at = rows.filter((r) => r.job === job).map((r) => r.period_at.getTime());
    for (let i = 1; i < at.length; i++)
      if (at[i] - at[i - 1] !== PERIOD_MS[job]) out.push(`${job}: ${new Date(at[i - 1]).toISOString()} → +${at[i] - at[i - 1]} ms`);
  }
  return out;
};

/**
 * Periodic work across API replicas: two API processes on one PostgreSQL and Redis run every
 * period of every periodic job exactly once (BullMQ job schedulers; each period taken in
 * periodic_run), a period BullMQ hands out again is skipped, and when a replica is killed
 * (SIGKILL) the other runs the next periods.
 */
describe('periodic work on two API replicas', () => {
  let a: ApiReplica;
  let b: ApiReplica;
  let db: Client;
  const rows = async (from: Date, to: Date): Promise<Row[]> =>
    (
      await db.query<Row>(
        `SELECT job, period_at, replica, started_at, outcome FROM periodic_run
          WHERE job = ANY($1::text[]) AND period_at >= $2 AND period_at <= $3 ORDER BY job, period_at`,
        [FAST, from, to],
      )
    ).rows;

  beforeAll(async () => {
    [a, b] = await startApiReplicas(2, ENV);
    db = await appDb();
  }, 120_000);
  afterAll(async () => {
    await Promise.allSettled([a?.close(), b?.close()]);
    await db?.end();
  });

  it('runs each period of each job once, on one replica or the other, with no period left out', async () => {
    // The window starts once every job has run a first period (on a loaded machine the replicas'
    // schedulers may take a few seconds to start): it measures the steady state, not start-up.
    const started = new Date();
    await waitFor(
      'a first period of every job',
      async () => {
        const first = await rows(started, new Date(Date.now() + 60_000));
        return FAST.every((job) => first.some((r) => r.job === job)) ? true : undefined;
      },
      60_000,
      200,
    );
    const from = new Date(Date.now() + 1000);
    await sleep(12_000);
    const to = new Date(Date.now() - 2000);
    const got = await rows(from, to);
    // Every period of the window is there, for each job, and each one ended.
    for (const job of FAST)
      expect(got.filter((r) => r.job === job).length).toBeGreaterThanOrEqual(
        Math.floor((to.getTime() - from.getTime()) / PERIOD_MS[job]) - 1,
      );
    expect(gaps(got)).toEqual([]);
    expect(got.filter((r) => r.outcome !== 'done')).toEqual([]);
    // The replicas' own logs (written asynchronously: waited for): every period of the window ran, none twice.
    const inWindow = (r: Run) => FAST.includes(r.job) && r.period >= from.toISOString() && r.period <= to.toISOString();
    const runs = await waitFor(
      'the runs logged',
      async () => {
        const r = loggedRuns(a, b).filter(inWindow);
        return r.length >= got.length ? r : undefined;
      },
      10_000,
    );
    expect(runs).toHaveLength(got.length);
    expect(duplicates(runs)).toEqual([]);
    const byReplica = new Map<string, number>();
    for (const r of got) byReplica.set(r.replica, (byReplica.get(r.replica) ?? 0) + 1);
    console.log(
      `periodic runs in ${((to.getTime() - from.getTime()) / 1000).toFixed(0)} s: ${JSON.stringify(Object.fromEntries(byReplica))}, duplicates 0`,
    );
  });

  it('skips a period BullMQ hands out a second time', async () => {
    const [done] = (
      await db.query<Row>(
        `SELECT job, period_at FROM periodic_run WHERE job = 'sweep-reissues' AND outcome = 'done' ORDER BY period_at DESC LIMIT 1`,
      )
    ).rows;
    const id = `repeat:${done.job}:${done.period_at.getTime()}`;
    // What a stalled job of a dead replica comes back as: the same job id, delivered again.
    const queue = new Queue('maintenance', { connection: { url: testEnv.SCM_REDIS_URL }, prefix: testEnv.SCM_REDIS_PREFIX });
    try {
      await queue.add(done.job, {}, { jobId: id, removeOnComplete: false });
      await waitFor(
        'the job delivered again to be processed',
        async () => ((await queue.getJob(id))?.finishedOn ? true : undefined),
        20_000,
      );
      await queue.remove(id);
    } finally {
      await queue.close();
    }
    // Log files are written asynchronously: wait for the lines rather than read them once.
    const skipped = await waitFor(
      'the second delivery logged as skipped',
      async () => {
        const lines = `${a.log()}${b.log()}`
          .split('\n')
          .filter((l) => l.includes('already ran for this period') && l.includes(done.period_at.toISOString()));
        return lines.length ? lines : undefined;
      },
      10_000,
    );
    expect(skipped).toHaveLength(1);
    const ran = await waitFor(
      'the first run logged',
      async () => {
        const r = loggedRuns(a, b).filter((x) => x.job === done.job && x.period === done.period_at.toISOString());
        return r.length ? r : undefined;
      },
      10_000,
    );
    expect(ran).toHaveLength(1);
  });

  it('goes on on the other replica when one is killed, within a bounded time', async () => {
    // Kill the replica that ran the latest checkpoint: it could well be the one to take the next period.
    const [last] = (
      await db.query<Row>(`SELECT replica FROM periodic_run WHERE job = 'write-audit-checkpoint' ORDER BY period_at DESC LIMIT 1`)
    ).rows;
    const [victim, survivor] = last.replica.endsWith(`/${a.pid()}`) ? [a, b] : [b, a];
    const survivorName = `/${survivor.pid()}`;
    const killedAt = new Date();
    await victim.kill('SIGKILL');
    // Each job's first period the survivor ran after the kill.
    const firsts = await waitFor(
      'every periodic job run by the surviving replica',
      async () => {
        const r = (
          await db.query<{ job: string; started_at: Date }>(
            `SELECT job, min(started_at) AS started_at FROM periodic_run
              WHERE job = ANY($1::text[]) AND started_at > $2 AND replica LIKE '%' || $3 GROUP BY job`,
            [FAST, killedAt, survivorName],
          )
        ).rows;
        return r.length === FAST.length ? r : undefined;
      },
      60_000,
      200,
    );
    const takeover = Math.max(...firsts.map((r) => r.started_at.getTime() - killedAt.getTime()));
    // One period (1–2 s), or BullMQ's stall detection (30 s) when the killed replica held a job it had
    // not yet scheduled the next iteration of.
    expect(takeover).toBeLessThan(35_000);
    await sleep(5000);
    const after = await rows(new Date(killedAt.getTime() + takeover + 1000), new Date(Date.now() - 2000));
    expect(gaps(after)).toEqual([]);
    expect(after.every((r) => r.replica.endsWith(survivorName))).toBe(true);
    // The killed replica comes back and shares the work again; still no period twice.
    await victim.start();
    await sleep(5000);
    expect(duplicates(loggedRuns(a, b))).toEqual([]);
    console.log(`periodic takeover after SIGKILL: ${takeover} ms (slowest of ${FAST.length} jobs)`);
  });
});
