/**
 * The chaos run: a batch issued over the eight virtual readers of the four test workstations while
 * a driver, at random points, kills the API, a card worker or Redis, pulls cards out at random
 * APDUs, and crash-restarts PostgreSQL once. At the end every promise is checked:
 * - every request is issued, or ended with a reason;
 * - no card is issued twice and no request is on two cards;
 * - no card holds a key that is not escrowed where the profile escrows it (the key on the card is
 *   the key in the request's escrowed VSC, slot by slot), and a card left unissued holds only keys
 *   of an escrowed VSC;
 * - the audit chain verifies against its signed checkpoints;
 * - archive reconciliation is clean after a seal.
 *
 * In `npm test` a short run (100 cards, 10 faults); `npm run chaos` the full one (1,000 cards,
 * 40 faults). Settings: SCM_CHAOS_CARDS, SCM_CHAOS_FAULTS, SCM_CHAOS_SEED (the run prints its
 * seed: the same seed draws the same faults in the same order).
 */
import type { KeyObject } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PivCard } from '@scm/card-engine';
import {
  approveBySecondOfficer,
  call,
  createTestUser,
  loginAs,
  runCli,
  sleep,
  testEnv,
  testWorkstations,
  uniqueName,
  waitFor,
} from '@scm/test-kit';
import { parseVscFile } from '@scm/vsc';
import { Pool } from 'pg';
import { VpcdConnector, type VirtualCard } from '@scm/vpcd';
import { testReader, type TestReader, waitForCard } from '../card-engine/support';
import { blankCard, insert, remove, type TestCard, VPCD_SETTLE_MS } from '../card-engine/test-cards';
import { people } from '../issuance/support';
import { ChaosStack } from './chaos-stack';

const CARDS = Number(process.env.SCM_CHAOS_CARDS ?? 100);
const FAULTS = Number(process.env.SCM_CHAOS_FAULTS ?? 10);
const SEED = Number(process.env.SCM_CHAOS_SEED ?? Date.now() % 1_000_000);
const WORKSTATIONS = testWorkstations().map((w) => w.id);
const READERS: TestReader[] = WORKSTATIONS.flatMap((ws) => [testReader(ws, 0), testReader(ws, 1)]);
/** A card that made no progress for this long is taken out and put back. */
const STUCK_MS = 60_000;
const FINAL = ['issued', 'failed', 'cancelled'];
/** How long the batch may take to end, faults and all. */
const RUN_MS = Number(process.env.SCM_CHAOS_TIMEOUT_MS ?? CARDS * 4_000 + FAULTS * 30_000 + 240_000);

type FaultKind = 'api-kill' | 'worker-kill' | 'redis-kill' | 'postgres-restart' | 'card-pull';

/** mulberry32: a small seeded generator, so a run's faults can be drawn again. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const random = rng(SEED);
const between = (lo: number, hi: number) => lo + Math.floor(random() * (hi - lo + 1));

/** The faults of the run in order: PostgreSQL once, then the kinds in turn, shuffled. */
function faultPlan(n: number): FaultKind[] {
  const kinds: FaultKind[] = ['api-kill', 'worker-kill', 'redis-kill', 'card-pull'];
  const plan: FaultKind[] = Array.from({ length: n - 1 }, (_, i) => kinds[i % kinds.length]);
  for (let i = plan.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [plan[i], plan[j]] = [plan[j], plan[i]];
  }
  plan.splice(between(Math.floor(plan.length / 3), Math.floor((2 * plan.length) / 3)), 0, 'postgres-restart');
  return plan;
}

/** A card that leaves its reader at its `pullAt`-th APDU: that APDU is never answered. */
async function insertPulling(c: TestCard, reader: TestReader, pullAt: number): Promise<{ pulled: Promise<boolean>; cancel(): void }> {
  const inner = new PivCard(c.backend, c.options);
  let n = 0;
  const ref: { connector?: VpcdConnector } = {};
  let settle: (v: boolean) => void = () => undefined;
  const pulled = new Promise<boolean>((r) => (settle = r));
  const card: VirtualCard = {
    atr: () => inner.atr(),
    powerOn: () => inner.powerOn(),
    powerOff: () => inner.powerOff(),
    reset: () => inner.reset(),
    transmit: (apdu: Uint8Array) => {
      if (++n === pullAt) {
        setImmediate(() => void ref.connector?.remove().then(() => settle(true)));
        return new Promise<Uint8Array>(() => undefined);
      }
      return inner.transmit(apdu);
    },
  };
  const connector = new VpcdConnector(card, { port: reader.port });
  ref.connector = connector;
  await connector.insert();
  await waitForCard(reader, true).catch(async (e: unknown) => {
    await connector.remove().catch(() => undefined);
    throw e;
  });
  return {
    pulled,
    // The card was issued before its pull point: taken out normally.
    cancel: () => {
      n = -1_000_000;
      void connector.remove().then(() => settle(false));
    },
  };
}

interface Counts {
  faults: Record<FaultKind, number>;
  presentations: number;
  rePresented: number;
  cardsUsed: number;
}

// The short run (100 cards, 10 faults) is part of `npm test`; `npm run chaos` the full one: see docs/reliability.md.
describe(`chaos: ${CARDS} cards over ${READERS.length} readers with ${FAULTS} faults (seed ${SEED})`, () => {
  let stack: ChaosStack;
  let db: Pool;
  let officer: string;
  let token: string;
  const cards: TestCard[] = [];
  const counts: Counts = {
    faults: { 'api-kill': 0, 'worker-kill': 0, 'redis-kill': 0, 'postgres-restart': 0, 'card-pull': 0 },
    presentations: 0,
    rePresented: 0,
    cardsUsed: 0,
  };
  let requestIds: string[] = [];
  /** What went wrong in the harness itself (not SCM): printed with the counts. */
  const harness: string[] = [];

  /** A query that rides out the PostgreSQL restart (the pool drops the connections that died). */
  async function query<T extends object>(sql: string, params: unknown[] = []): Promise<T[]> {
    for (let i = 0; ; i++) {
      try {
        return (await db.query<T>(sql, params)).rows;
      } catch (e) {
        if (i > 120) throw e;
        await sleep(500);
      }
    }
  }

  /** An officer call that logs in again when the session is gone. */
  async function officerCall<T>(method: string, path: string, body?: unknown) {
    for (let i = 0; ; i++) {
      const r = await call<T>(stack.api.url, method, path, token, body).catch(() => undefined);
      if (r && r.status !== 401 && r.status < 500) return r;
      if (i > 60) throw new Error(`${method} ${path}: ${r ? `HTTP ${r.status} ${JSON.stringify(r.body)}` : 'no answer'}`);
      await sleep(1000);
      if (r?.status === 401) token = await loginAs(stack.api.url, officer).catch(() => token);
    }
  }

  beforeAll(async () => {
    stack = await ChaosStack.start();
    db = new Pool({ connectionString: testEnv.SCM_DATABASE_URL, max: 4 });
    db.on('error', () => undefined);
    officer = uniqueName('chaos-officer');
    await createTestUser(officer, ['security-officer', 'help-desk']);
    token = await loginAs(stack.api.url, officer);
    await stack.startWorkers(token, WORKSTATIONS);
  }, 300_000);

  afterAll(async () => {
    for (const c of cards) await remove(c).catch(() => undefined);
    await db?.end().catch(() => undefined);
    await stack?.close();
  }, 120_000);

  it(
    'keeps every promise',
    async () => {
      const t0 = Date.now();
      // The batch: cardholders imported (one approval registers them all), one request each.
      const imp = await officerCall<{ ids: string[]; approval?: { id: string } }>('POST', '/api/v1/cardholders/import', {
        cardholders: people(CARDS),
      });
      expect(imp.status).toBe(201);
      await approveBySecondOfficer(stack.api.url, imp.body.approval);
      const batch = await officerCall<{ requests: Array<{ id: string }> }>('POST', '/api/v1/issuance-batches', {
        requests: imp.body.ids.map((cardholder) => ({ cardholder })),
      });
      expect(batch.status).toBe(201);
      requestIds = batch.body.requests.map((r) => r.id);

      const finalCount = async () =>
        Number(
          (
            await query<{ n: string }>(`SELECT count(*) AS n FROM issuance_request WHERE id = ANY($1::uuid[]) AND state = ANY($2)`, [
              requestIds,
              FINAL,
            ])
          )[0].n,
        );
      let finished = false;
      let pullsWanted = 0;
      const deadline = t0 + RUN_MS;

      // One feeder per reader: a blank card in, taken out once issued; a card left aside by the
      // worker, or stuck, is taken out and put back; a pending pull takes the next insertion out at
      // a random APDU, and the card goes back in after.
      const feeder = async (reader: TestReader) => {
        while (!finished) {
          if (Date.now() > deadline) throw new Error('the run did not finish in time');
          const c = blankCard();
          cards.push(c);
          counts.cardsUsed++;
          for (let tries = 0; !finished; tries++) {
            counts.presentations++;
            if (tries > 0) counts.rePresented++;
            // The harness rides out its own hiccups (pcscd slow to show a card under load): a
            // failed insertion is taken back and tried again, so no card SCM holds is forgotten.
            let pull: Awaited<ReturnType<typeof insertPulling>> | undefined;
            for (let attempt = 1; ; attempt++) {
              try {
                if (pullsWanted > 0) {
                  pullsWanted--;
                  pull = await insertPulling(c, reader, between(2, 14)).catch((e: unknown) => {
                    pullsWanted++;
                    throw e;
                  });
                } else {
                  await insert(c, reader);
                }
                break;
              } catch (e) {
                harness.push(`ws${reader.ws.id}/${reader.name} card ${c.serial}: insertion ${attempt} failed: ${(e as Error).message}`);
                await remove(c).catch(() => undefined);
                if (finished || Date.now() > deadline) throw e;
                await sleep(2000);
              }
            }
            const since = Date.now();
            let outcome: 'issued' | 'pulled' | 'aside' | 'stuck' | 'finished' = 'finished';
            for (;;) {
              if (finished) break;
              if (pull && (await Promise.race([pull.pulled, sleep(0).then(() => undefined)])) === true) {
                outcome = 'pulled';
                break;
              }
              const row = (
                await query<{ state: string; request: string | null }>(
                  `SELECT c.state, r.state AS request FROM card c LEFT JOIN issuance_request r ON r.card_id = c.id WHERE c.serial = $1 ORDER BY r.state_changed_at DESC NULLS LAST LIMIT 1`,
                  [c.serial],
                )
              )[0];
              if (row && (row.state === 'issued' || row.state === 'active')) {
                outcome = 'issued';
                break;
              }
              if (row && row.state === 'spoiled') {
                outcome = 'aside';
                break;
              }
              // A blank card with no job waits; a card SCM took that makes no progress is put back.
              if (row && Date.now() - since > STUCK_MS) {
                outcome = 'stuck';
                break;
              }
              await sleep(300);
            }
            if (outcome === 'pulled') {
              counts.faults['card-pull']++;
              await waitForCard(reader, false).catch(() => undefined);
              await sleep(VPCD_SETTLE_MS);
              continue;
            }
            if (pull) {
              // never pulled: the pull goes to another insertion
              pullsWanted++;
              pull.cancel();
              await waitForCard(reader, false).catch(() => undefined);
              await sleep(VPCD_SETTLE_MS);
            } else {
              await remove(c).catch((e: unknown) =>
                harness.push(`ws${reader.ws.id}/${reader.name} card ${c.serial}: removal not seen: ${(e as Error).message}`),
              );
              await sleep(VPCD_SETTLE_MS);
            }
            if (outcome === 'stuck') continue;
            break;
          }
        }
      };

      // The fault driver: the faults spread over the run by progress, one at a time.
      const plan = faultPlan(FAULTS);
      const driver = async () => {
        for (let i = 0; i < plan.length; i++) {
          const at = Math.floor(((i + 1) * CARDS) / (plan.length + 2));
          while ((await finalCount()) < at) {
            if (finished) return;
            await sleep(500);
          }
          await sleep(between(0, 1500));
          const kind = plan[i];
          const down = between(200, 2500);
          switch (kind) {
            case 'api-kill':
              await stack.killApi(down);
              break;
            case 'worker-kill':
              await stack.killWorker(WORKSTATIONS[between(0, WORKSTATIONS.length - 1)], down);
              break;
            case 'redis-kill':
              await stack.killRedis(down);
              break;
            case 'postgres-restart':
              await stack.restartPostgres(down);
              break;
            case 'card-pull':
              pullsWanted++;
              continue; // counted when the card is really pulled
          }
          counts.faults[kind]++;
        }
      };

      // Progress on stderr while the run goes (jest shows console output only at the end).
      const ticker = setInterval(() => {
        void finalCount()
          .then((n) =>
            process.stderr.write(
              `chaos ${((Date.now() - t0) / 60_000).toFixed(1)} min: ${n}/${CARDS} ended; faults ${JSON.stringify(counts.faults)}; workers ${stack.alive()}/${WORKSTATIONS.length}; unexpected exits ${stack.unexpectedExits.length}\n`,
            ),
          )
          .catch(() => undefined);
      }, 30_000);
      const feeders = READERS.map((r) =>
        feeder(r).catch((e: unknown) => {
          harness.push(`feeder of ws${r.ws.id}/${r.name} stopped: ${(e as Error).message}`);
          throw e;
        }),
      );
      const driving = driver();
      try {
        await waitFor(
          'every request to end',
          async () => {
            if (Date.now() > deadline) throw new Error('deadline');
            return (await finalCount()) === CARDS ? true : undefined;
          },
          deadline - Date.now(),
          1000,
        ).catch(async (e: unknown) => {
          const states = await query<{ state: string; n: string }>(
            `SELECT state, count(*) AS n FROM issuance_request WHERE id = ANY($1::uuid[]) GROUP BY state`,
            [requestIds],
          );
          // What the requests that did not end are doing, and every worker and API line about them.
          const open = await query<Record<string, unknown>>(
            `SELECT r.id, r.state, r.failure, c.serial, c.state AS card_state, p.attempt, p.last_step, p.steps_done, p.steps_total,
                    (SELECT json_agg(json_build_object('action', a.action, 'outcome', a.outcome, 'at', a.at) ORDER BY a.entry)
                       FROM audit_event a WHERE a.target_id IN (r.id::text, c.id::text)) AS events
               FROM issuance_request r LEFT JOIN card c ON c.id = r.card_id LEFT JOIN personalisation p ON p.request_id = r.id
              WHERE r.id = ANY($1::uuid[]) AND NOT (r.state = ANY($2))`,
            [requestIds, FINAL],
          );
          // Where the API's connections are: a pool that ran dry shows here (state, wait, last query).
          const sessions = await query<Record<string, unknown>>(
            `SELECT pid, application_name, state, wait_event_type, wait_event, now() - xact_start AS in_xact, left(query, 160) AS query
               FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid() ORDER BY xact_start NULLS LAST`,
          );
          const pool = await fetch(`${stack.api.url}/metrics`, { signal: AbortSignal.timeout(5000) })
            .then((r) => r.text())
            .then((t) => t.split('\n').filter((l) => l.startsWith('scm_db_pool_connections')))
            .catch((err: unknown) => [`/metrics: ${(err as Error).message}`]);
          harness.push(
            `pool: ${pool.join('; ')}`,
            `sessions: ${JSON.stringify(sessions)}`,
            `unexpected worker exits: ${JSON.stringify(stack.unexpectedExits)}`,
            `logs: ${stack.saveLogs()}`,
          );
          const about = open.flatMap((o) => [String(o.id), ...(o.serial ? [String(o.serial)] : [])]);
          const apiLines = stack.api
            .log()
            .split('\n')
            .filter((l) => about.some((a) => l.includes(a)));
          throw new Error(
            `${(e as Error).message}: ${JSON.stringify(states)}\nharness: ${JSON.stringify(harness)}\n${JSON.stringify(open, null, 1)}\n${stack.workerLogs(about)}\n--- api\n${apiLines.join('\n')}`,
          );
        });
      } finally {
        finished = true;
        clearInterval(ticker);
        // A feeder inside a slow insertion or removal gets a minute to notice.
        await Promise.race([Promise.allSettled([...feeders, driving]), sleep(60_000)]);
      }
      await driving;
      const minutes = (Date.now() - t0) / 60_000;

      // 0. No worker died on its own.
      expect(stack.unexpectedExits).toEqual([]);

      // 1. Every request issued, or ended with a reason.
      const rows = await query<{
        id: string;
        state: string;
        failure: string | null;
        card_id: string | null;
        serial: string | null;
        vsc_id: string | null;
      }>(
        `SELECT r.id, r.state, r.failure, r.card_id, c.serial, v.id AS vsc_id
         FROM issuance_request r LEFT JOIN card c ON c.id = r.card_id LEFT JOIN vsc v ON v.request_id = r.id AND v.kind = 'escrow'
        WHERE r.id = ANY($1::uuid[])`,
        [requestIds],
      );
      const byState: Record<string, number> = {};
      for (const r of rows) byState[r.state] = (byState[r.state] ?? 0) + 1;
      const unexplained = rows.filter((r) => r.state !== 'issued' && !r.failure);
      expect(unexplained).toEqual([]);
      expect(rows.every((r) => FINAL.includes(r.state))).toBe(true);

      // 2. No card issued twice, no request on two cards.
      const issued = rows.filter((r) => r.state === 'issued');
      const serials = issued.map((r) => r.serial);
      expect(serials.filter((s, i) => serials.indexOf(s) !== i)).toEqual([]);
      const twice = await query<{ serial: string; n: string }>(
        `SELECT c.serial, count(*) AS n FROM issuance_request r JOIN card c ON c.id = r.card_id WHERE r.state = 'issued' GROUP BY c.serial HAVING count(*) > 1`,
      );
      expect(twice).toEqual([]);

      // 3. The keys on every card are escrowed where the profile escrows them.
      const bySerial = new Map(cards.map((c) => [c.serial, c]));
      const spkiOf = (k: KeyObject) => k.export({ type: 'spki', format: 'der' }).toString('hex');
      const escrowedSpkis = new Set<string>();
      for (const v of await query<{ content: Buffer }>(
        `SELECT content FROM vsc_version v JOIN vsc ON vsc.id = v.vsc_id WHERE vsc.kind = 'escrow'`,
      ))
        for (const o of parseVscFile(v.content).content.objects)
          if (o.kind === 'key') escrowedSpkis.add(Buffer.from(o.spki).toString('hex'));
      const violations: string[] = [];
      for (const r of issued) {
        const card = bySerial.get(r.serial!);
        if (!card) {
          violations.push(`request ${r.id} issued on card ${r.serial}, which this run never made`);
          continue;
        }
        const [latest] = await query<{ content: Buffer }>(
          `SELECT content FROM vsc_version WHERE vsc_id = $1 ORDER BY version DESC LIMIT 1`,
          [r.vsc_id],
        );
        if (!latest) {
          violations.push(`request ${r.id}: no escrowed VSC`);
          continue;
        }
        const keys = parseVscFile(latest.content).content.objects.filter((o) => o.kind === 'key');
        for (const k of keys) {
          const onCard = await card.backend.getKey(k.slot);
          if (!onCard) violations.push(`card ${r.serial}: slot ${k.slot.toString(16)} of the VSC is empty on the card`);
          else if (spkiOf(onCard.publicKey) !== Buffer.from(k.spki).toString('hex'))
            violations.push(`card ${r.serial}: slot ${k.slot.toString(16)} holds another key than the VSC (${k.escrow})`);
        }
        if (!keys.some((k) => k.escrow === 'escrow'))
          violations.push(`request ${r.id}: the profile escrows a key, the VSC has none escrowed`);
      }
      const issuedSerials = new Set(serials);
      let unissuedWithKeys = 0;
      for (const c of cards) {
        if (issuedSerials.has(c.serial)) continue;
        for (let slot = 0x80; slot <= 0x9e; slot++) {
          const k = await c.backend.getKey(slot).catch(() => undefined);
          if (!k) continue;
          unissuedWithKeys++;
          if (!escrowedSpkis.has(spkiOf(k.publicKey)))
            violations.push(`card ${c.serial} (not issued) holds a key in ${slot.toString(16)} that no escrowed VSC has`);
        }
      }
      expect(violations).toEqual([]);

      // 4. The audit chain verifies against its checkpoints (a fresh one signed first).
      const cp = await runCli(['audit', 'checkpoint', '--json']);
      expect(cp.code).toBe(0);
      const audit = await runCli(['audit', 'verify', '--json']);
      expect([audit.code, audit.stderr]).toEqual([0, '']);
      expect((JSON.parse(audit.stdout) as { ok: boolean }).ok).toBe(true);

      // 5. Archive reconciliation is clean after a seal.
      const out = mkdtempSync(join(tmpdir(), 'scm-chaos-archive-'));
      try {
        const seal = await runCli(['archive', 'seal', '--out', out, '--json'], { timeoutMs: 300_000 });
        expect([seal.code, seal.stderr]).toEqual([0, '']);
        const rec = await runCli(['archive', 'reconcile', '--json'], { timeoutMs: 300_000 });
        const rep = JSON.parse(rec.stdout) as {
          ok: boolean;
          cards: number;
          missing: unknown[];
          duplicated: unknown[];
          mismatched: unknown[];
        };
        expect([rec.code, rep.ok, rep.missing, rep.duplicated, rep.mismatched]).toEqual([0, true, [], [], []]);
        expect(rep.cards).toBeGreaterThanOrEqual(issued.length);
      } finally {
        rmSync(out, { recursive: true, force: true });
      }

      const totalFaults = Object.values(counts.faults).reduce((a, b) => a + b, 0);
      process.stdout.write(
        [
          `chaos run (seed ${SEED}): ${CARDS} requests over ${READERS.length} readers in ${minutes.toFixed(1)} min`,
          `outcomes: ${Object.entries(byState)
            .map(([k, v]) => `${k} ${v}`)
            .join(', ')}`,
          `faults: ${totalFaults} (${Object.entries(counts.faults)
            .map(([k, v]) => `${k} ${v}`)
            .join(', ')})`,
          `cards: ${counts.cardsUsed} used, ${counts.presentations} presentations (${counts.rePresented} put back), ${unissuedWithKeys} keys on cards left unissued (all escrowed)`,
          `harness hiccups (pcscd, vpcd; retried): ${harness.length}`,
          `checks: requests ended with reasons, no card twice, keys escrowed, audit chain verified, archive reconciled: 0 violations`,
          '',
        ].join('\n'),
      );
      expect(totalFaults).toBeGreaterThanOrEqual(FAULTS);
      expect(counts.faults['postgres-restart']).toBe(1);
    },
    RUN_MS + 600_000,
  );
});
