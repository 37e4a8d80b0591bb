import type { Client } from 'pg';
import {
  appDb,
  approveBySecondOfficer,
  call,
  closeOpenCardWork,
  createTestUser,
  LoadBalancer,
  loginAs,
  sleep,
  startApiReplicas,
  startApprovedWorker,
  testWorkstations,
  uniqueName,
  waitFor,
  type ApiReplica,
  type RunningApi,
  type RunningWorker,
} from '@scm/test-kit';
import { cardPresent, type TestReader, testReader, waitForCard } from '../card-engine/support';
import { blankCard, insert, remove, type TestCard } from '../card-engine/test-cards';

/** 500 cards with SCM_LONG_TESTS=1 (`npm run test:long`, minutes); 40 in `npm test`. */
const N = process.env.SCM_LONG_TESTS === '1' ? 500 : 40;
/** A lost worker is noticed after 8 s; the outbox is relayed and reconciled often. */
const API_ENV = { SCM_PERSONALISATION_STALL_SECONDS: '8', SCM_OUTBOX_POLL_MS: '200', SCM_RECONCILE_SECONDS: '2', SCM_LOG_LEVEL: 'info' };

type Row = { id: string; state: string; card_id: string | null; serial: string | null; card_state: string | null };

/**
 * Two API replicas on one PostgreSQL and Redis behind a round-robin load balancer (what nginx does
 * in front of them in production), the card workers of four workstations (eight readers) and the
 * officer's calls going through it. A batch is personalised while one replica is killed (SIGKILL)
 * midway and started again: every request is issued, each on its own card, no card is issued
 * twice, and the audit chain still verifies.
 */
describe(`a batch of ${N} across two API replicas, one killed midway`, () => {
  let a: ApiReplica;
  let b: ApiReplica;
  let lb: LoadBalancer;
  let api: RunningApi;
  let db: Client;
  let token: string;
  const workers: RunningWorker[] = [];

  beforeAll(async () => {
    await closeOpenCardWork();
    [a, b] = await startApiReplicas(2, API_ENV);
    lb = new LoadBalancer([a.port, b.port]);
    await lb.up();
    api = { app: undefined as unknown as RunningApi['app'], url: lb.url, close: async () => undefined };
    const officer = uniqueName('officer');
    await createTestUser(officer, ['security-officer']);
    token = await loginAs(api.url, officer);
    db = await appDb();
    workers.push(
      ...(await Promise.all(
        testWorkstations()
          .slice(0, 4)
          .map((ws) => startApprovedWorker(api, token, ws, { SCM_HEARTBEAT_MS: '1000' })),
      )),
    );
  }, 180_000);

  afterAll(async () => {
    await Promise.allSettled(workers.map((w) => w.stop()));
    await lb?.down();
    await Promise.allSettled([a?.close(), b?.close()]);
    await db?.end();
  });

  it(
    'issues every request exactly once, on its own card',
    async () => {
      const tag = uniqueName('rp');
      const people = Array.from({ length: N }, (_, i) => ({ name: `Replica ${i} ${tag}`.slice(0, 60), upn: `r${i}.${tag}@corp.example` }));
      const imp = await call<{ ids: string[]; approval?: { id: string } }>(api.url, 'POST', '/api/v1/cardholders/import', token, {
        cardholders: people,
      });
      expect(imp.status).toBe(201);
      await approveBySecondOfficer(api.url, imp.body.approval);
      const batch = await call<{ batchId: string; requests: Array<{ id: string }> }>(api.url, 'POST', '/api/v1/issuance-batches', token, {
        requests: imp.body.ids.map((cardholder) => ({ cardholder })),
      });
      expect(batch.status).toBe(201);
      const ids = batch.body.requests.map((r) => r.id);
      const states = async (): Promise<Row[]> =>
        (
          await db.query<Row>(
            `SELECT r.id, r.state, r.card_id, c.serial, c.state AS card_state FROM issuance_request r LEFT JOIN card c ON c.id = r.card_id
              WHERE r.id = ANY($1::uuid[])`,
            [ids],
          )
        ).rows;
      // What the requests that did not end were doing: their attempt, audit trail and every log line naming them.
      const stuck = async (now: Row[]): Promise<string> => {
        const open = now.filter((r) => r.state !== 'issued');
        const about = open.flatMap((r) => [r.id, ...(r.serial ? [r.serial] : [])]);
        const trail = await db.query(
          `SELECT r.id, r.state, r.failure, c.serial, c.state AS card_state, p.attempt, p.last_step, p.worker_id,
                  (SELECT json_agg(json_build_object('at', a.at, 'action', a.action, 'outcome', a.outcome, 'details', a.details) ORDER BY a.entry)
                     FROM audit_event a WHERE a.target_id IN (r.id::text, c.id::text)) AS events
             FROM issuance_request r LEFT JOIN card c ON c.id = r.card_id LEFT JOIN personalisation p ON p.request_id = r.id
            WHERE r.id = ANY($1::uuid[])`,
          [open.map((r) => r.id)],
        );
        const lines = (who: string, log: string) =>
          log
            .split('\n')
            .filter((l) => about.some((x) => l.includes(x)))
            .map((l) => `${who}: ${l}`);
        return [
          JSON.stringify(trail.rows, null, 1),
          ...workers.flatMap((w, i) => lines(`worker ${i}`, w.log())),
          ...lines('replica a', a.log()),
          ...lines('replica b', b.log()),
        ].join('\n');
      };
      // Keys are generated and escrowed by both replicas' key generators while the first cards go in.
      await waitFor(
        'a request awaiting a card',
        async () => ((await states()).some((r) => r.state === 'awaiting-card') ? true : undefined),
        120_000,
        500,
      );

      // Eight readers, each fed blank cards until the batch is issued; one replica is killed when
      // half of it is, and started again a few seconds later.
      const readers: TestReader[] = testWorkstations()
        .slice(0, 4)
        .flatMap((ws) => [testReader(ws.id, 0), testReader(ws.id, 1)]);
      for (const r of readers) if (await cardPresent(r)) throw new Error(`${r.name} of workstation ${r.ws.id} is not empty`);
      const cards: TestCard[] = [];
      const inReader = new Map<TestReader, TestCard>();
      const busy = new Set<TestReader>();
      const failures: unknown[] = [];
      let harnessRetries = 0;
      let killedAt = 0;
      let restarted: Promise<void> | undefined;
      const t0 = Date.now();
      const deadline = t0 + 120_000 + N * 6_000;
      // One poller: a reader without a card gets a blank one while requests wait for cards; a card
      // leaves its reader once it is no longer being personalised (issued, or never wanted).
      let rows = await states();
      while (!rows.every((r) => r.state === 'issued')) {
        if (failures.length) throw failures[0];
        if (Date.now() > deadline)
          throw new Error(`${rows.filter((r) => r.state === 'issued').length} of ${N} issued in time\n${await stuck(rows)}`);
        const issued = rows.filter((r) => r.state === 'issued').length;
        if (!killedAt && issued >= N / 2) {
          killedAt = Date.now();
          await a.kill('SIGKILL');
          restarted = sleep(3000).then(() => a.start());
        }
        const waiting = rows.filter((r) => r.state === 'awaiting-card').length;
        // Requests that will want a card (keys still being generated, or waiting for one).
        const upcoming = rows.filter((r) => !['personalising', 'verifying', 'issued'].includes(r.state)).length;
        const serials = [...inReader.values()].map((c) => c.serial);
        const cardState = new Map(
          (
            await db.query<{ serial: string; state: string }>(`SELECT serial, state FROM card WHERE serial = ANY($1::text[])`, [serials])
          ).rows.map((r) => [r.serial, r.state]),
        );
        // Blank cards in readers not yet claimed: each may take one of the waiting requests.
        const unclaimed = serials.filter((x) => !cardState.has(x)).length;
        for (const r of readers) {
          if (busy.has(r)) continue;
          const c = inReader.get(r);
          const act = !c
            ? waiting > unclaimed
              ? async () => {
                  const blank = blankCard();
                  cards.push(blank);
                  // pcscd on a loaded machine may be slow to see a card: take it out and try again later.
                  const ok = await insert(blank, r).then(
                    () => true,
                    async (e: unknown) => {
                      await remove(blank).catch(() => undefined);
                      if (++harnessRetries > 20) throw e;
                      return false;
                    },
                  );
                  if (ok) inReader.set(r, blank);
                }
              : undefined
            : (cardState.has(c.serial) && cardState.get(c.serial) !== 'personalising') || (!cardState.has(c.serial) && upcoming === 0)
              ? async () => {
                  // The card is out at once; pcscd on a loaded machine may take a while to report the reader empty.
                  await remove(c).catch(() => waitForCard(r, false, 120_000));
                  inReader.delete(r);
                }
              : undefined;
          if (!act) continue;
          busy.add(r);
          void act()
            .catch((e: unknown) => failures.push(e))
            .finally(() => busy.delete(r));
        }
        await sleep(500);
        rows = await states();
      }
      const ms = Date.now() - t0;
      await waitFor('the readers at rest', async () => (busy.size === 0 ? true : undefined), 30_000, 100);
      for (const c of inReader.values()) await remove(c);
      await restarted;

      rows = await states();
      expect(killedAt).toBeGreaterThan(0);
      expect(rows.filter((r) => r.state !== 'issued')).toEqual([]);
      // Every request on its own card, every card issued.
      expect(new Set(rows.map((r) => r.card_id)).size).toBe(N);
      expect(rows.filter((r) => r.card_state !== 'issued')).toEqual([]);
      // No card on two requests, and no request whose card any other card row names.
      const cardRows = await db.query<{ request_id: string; n: number }>(
        `SELECT request_id, count(*)::int AS n FROM card WHERE request_id = ANY($1::uuid[]) GROUP BY request_id`,
        [ids],
      );
      expect(cardRows.rows.filter((r) => r.n !== 1)).toEqual([]);
      expect(cardRows.rows).toHaveLength(N);
      // Each card became issued once, each request was issued once (their histories).
      const cardIssued = await db.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM card_event e JOIN card c ON c.id = e.card_id WHERE c.request_id = ANY($1::uuid[]) AND e.to_state = 'issued' GROUP BY e.card_id HAVING count(*) > 1`,
        [ids],
      );
      expect(cardIssued.rows).toEqual([]);
      const reqIssued = await db.query<{ request_id: string; n: number }>(
        `SELECT request_id, count(*)::int AS n FROM issuance_request_event WHERE request_id = ANY($1::uuid[]) AND to_state = 'issued' GROUP BY request_id`,
        [ids],
      );
      expect(reqIssued.rows).toHaveLength(N);
      expect(reqIssued.rows.filter((r) => r.n !== 1)).toEqual([]);
      // The cards fed that did not end on a request of the batch stayed blank (nothing was written to them by SCM).
      const used = new Set(rows.map((r) => r.serial));
      const spare = cards.filter((c) => !used.has(c.serial)).map((c) => c.serial);
      const spareRows = await db.query<{ serial: string; state: string }>(`SELECT serial, state FROM card WHERE serial = ANY($1::text[])`, [
        spare,
      ]);
      expect(spareRows.rows.filter((r) => r.state !== 'spoiled')).toEqual([]);
      // Both replicas served, and the audit chain verifies end to end.
      expect(lb.connections.every((n) => n > 0)).toBe(true);
      const auditor = uniqueName('auditor');
      await createTestUser(auditor, ['auditor']);
      const verify = await call<{ broken: unknown }>(api.url, 'GET', '/api/v1/audit/verify', await loginAs(api.url, auditor));
      expect(verify.status).toBe(200);
      expect(verify.body.broken).toBeNull();
      // What the workers went through: attempts cut by the killed replica and resumed, and the median attempt.
      const lines = workers.flatMap((w) => w.log().split('\n'));
      const stopped = lines.filter((l) => l.includes('"personalisation attempt stopped; it will be retried"')).length;
      const attemptMs = lines
        .filter((l) => l.includes('"personalisation attempt ended"') && l.includes('"outcome":"issued"'))
        .map((l) => (JSON.parse(l) as { ms: number }).ms)
        .sort((x, y) => x - y);
      console.log(
        `workers: ${attemptMs.length} attempts issued a card (median ${((attemptMs[attemptMs.length >> 1] ?? 0) / 1000).toFixed(1)} s), ` +
          `${stopped} attempts cut by the killed replica and resumed`,
      );
      console.log(
        `${N} cards over 2 replicas (one SIGKILLed at ${((killedAt - t0) / 1000).toFixed(1)} s) and ${readers.length} readers: ` +
          `${(ms / 1000).toFixed(1)} s, ${((N * 1000) / ms).toFixed(2)} cards/s; ${cards.length} cards fed, ${spare.length} unused`,
      );
    },
    300_000 + N * 8_000,
  );
});
