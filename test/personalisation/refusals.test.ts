import { SW } from '@scm/apdu';
import { Ins } from '@scm/card-engine';
import { KEY_REF, OBJECT } from '@scm/piv';
import { runCli } from '@scm/test-kit';
import {
  blankCard,
  diagnose,
  insert,
  remove,
  requests,
  sleep,
  type Stack,
  startStack,
  testReader,
  waitFor,
  waitForRequests,
  oneWaitingRequest,
} from './support';

/**
 * Cards that refuse a command the same way every time (software cards with a refusal rule, on the
 * real stack): they are not retried for ever. The request ends failed-card after at most three
 * attempts, naming the step and the status word; the card gets no more attempts and no new
 * certificates meanwhile; the officer spoils it (another card takes the request) or retries it.
 * A card that refuses only the optional Discovery object is issued anyway.
 */
const WS = 1;
const R0 = testReader(WS, 0);

describe('cards that refuse a command', () => {
  let s: Stack;

  beforeAll(async () => {
    s = await startStack([WS]);
  }, 120_000);

  afterAll(async () => {
    await s?.close();
  });

  const oneRequest = (): Promise<string> => oneWaitingRequest(s);

  const attempts = async (requestId: string): Promise<number[]> =>
    (
      await s.db.query<{ attempt: number }>(`SELECT DISTINCT attempt FROM personalisation_step WHERE request_id = $1 ORDER BY attempt`, [
        requestId,
      ])
    ).rows.map((r) => r.attempt);

  /** The request's certificates by slot: how many were issued, how many revoked. */
  const certificates = async (requestId: string) =>
    (
      await s.db.query<{ slot: string; issued: number; revoked: number }>(
        `SELECT reference->>'slot' AS slot, count(*)::int AS issued, count(*) FILTER (WHERE status = 'revoked')::int AS revoked
           FROM ca_certificate WHERE reference->>'requestId' = $1 GROUP BY 1 ORDER BY 1`,
        [requestId],
      )
    ).rows;

  const failedCard = (requestId: string) =>
    waitForRequests(s.db, [requestId], ['failed-card'], 90_000).catch(async (e: Error) => {
      throw new Error(`${e.message}\n${await diagnose(s, [requestId])}`);
    });

  it('a card refusing PUT DATA of the CHUID ends failed-card after at most 3 attempts, no new certificates; an officer retry works', async () => {
    const requestId = await oneRequest();
    const before = await certificates(requestId);
    const c = blankCard({ refuse: [{ ins: Ins.PUT_DATA, object: OBJECT.CHUID, sw: SW.WRONG_DATA }] });
    await insert(c, R0);
    try {
      const [row] = await failedCard(requestId);
      expect(row.failure).toMatch(/refused step objects with SW=6A80 on consecutive attempts/);
      const tried = await attempts(requestId);
      expect(tried.length).toBeGreaterThanOrEqual(2);
      expect(tried.length).toBeLessThanOrEqual(3);
      // One certificate per on-card slot, none revoked: the later attempts kept the keys the first had
      // certified (a new key would have been certified anew and the earlier certificate revoked).
      const after = await certificates(requestId);
      for (const c of after) expect([c.slot, c.issued, c.revoked]).toEqual([c.slot, 1, 0]);
      expect(after.length).toBe(before.length + 3);
      const refusals = await s.db.query<{ attempt: number; sw: string }>(
        `SELECT attempt, details->>'sw' AS sw FROM personalisation_step WHERE request_id = $1 AND step = 'objects' AND outcome = 'failed' ORDER BY attempt`,
        [requestId],
      );
      expect(refusals.rows.map((r) => r.sw)).toEqual(tried.map(() => '6A80'));
      // The half-done card holds the cardholder's keys, never under the factory key.
      expect((await c.backend.managementKey()).isDefault).toBe(false);
      expect((await c.backend.retryState(KEY_REF.PUK)).isDefault).toBe(false);

      // No looping: the card stays in the reader and gets no further attempt.
      await sleep(6000);
      expect(await attempts(requestId)).toEqual(tried);
      expect((await requests(s.db, [requestId]))[0].state).toBe('failed-card');

      const show = await runCli(['request', 'show', requestId], { env: s.cliEnv });
      expect(show.code).toBe(0);
      expect(show.stdout).toMatch(/state +failed-card/);
      expect(show.stdout).toMatch(new RegExp(`refused +step objects, SW 6A80 \\(card ${c.serial}`));
      expect(show.stdout).toMatch(new RegExp(`bin/scm request retry ${requestId}`));

      // Retry refused for a request that is not failed-card; then the officer retries this one.
      const other = await oneRequest();
      const wrong = await runCli(['request', 'retry', other, '--reason', 'nothing to retry'], { env: s.cliEnv });
      expect(wrong.code).not.toBe(0);
      expect(wrong.stderr).toMatch(/only a failed-card request is retried/);
      await runCli(['request', 'cancel', other, '--reason', 'test over'], { env: s.cliEnv });

      // The card is put back into the reader without its refusal (its reader cleaned, a firmware quirk worked around).
      await remove(c);
      const retry = await runCli(['request', 'retry', requestId, '--reason', 'reader contacts cleaned'], { env: s.cliEnv });
      expect([retry.code, retry.stderr]).toEqual([0, '']);
      expect(retry.stdout).toMatch(new RegExp(`awaiting-card for card ${c.serial} \\(it had refused step objects, SW 6A80\\)`));
      c.options = undefined;
      await insert(c, R0);
      const [done] = await waitForRequests(s.db, [requestId], ['issued'], 60_000).catch(async (e: Error) => {
        throw new Error(`${e.message}\n${await diagnose(s, [requestId])}`);
      });
      expect([done.serial, done.card_state]).toEqual([c.serial, 'issued']);
      // Still one certificate per slot: the keys generated by the first attempt were kept to the end.
      for (const x of await certificates(requestId)) expect([x.slot, x.issued, x.revoked]).toEqual([x.slot, 1, 0]);
      const audit = await s.db.query<{ action: string; outcome: string }>(
        `SELECT action, outcome FROM audit_event WHERE target_id = $1 AND action IN ('personalisation.card-refused', 'personalisation.retry', 'issuance-request.failed-card') ORDER BY entry`,
        [requestId],
      );
      expect(audit.rows.map((r) => r.action)).toEqual(
        expect.arrayContaining(['personalisation.card-refused', 'issuance-request.failed-card', 'personalisation.retry']),
      );
    } finally {
      await remove(c);
    }
  }, 240_000);

  it('a card refusing the import of the escrowed 9D key ends failed-card; spoiled by the officer, another card is issued', async () => {
    const requestId = await oneRequest();
    const c = blankCard({ refuse: [{ ins: Ins.IMPORT_KEY, p2: 0x9d, sw: SW.CONDITIONS_NOT_SATISFIED }] });
    await insert(c, R0);
    try {
      const [row] = await failedCard(requestId);
      expect(row.failure).toMatch(/refused step import:9d with SW=6985/);
      expect((await attempts(requestId)).length).toBeLessThanOrEqual(3);
      const show = await runCli(['request', 'show', requestId], { env: s.cliEnv });
      expect(show.stdout).toMatch(/refused +step import:9d, SW 6985/);
      // Nothing of the cardholder's was generated or certified on this card.
      expect(await c.backend.getKey(0x9a)).toBeUndefined();
      const spoil = await runCli(['card', 'spoil', c.serial, '--reason', 'refuses key imports'], { env: s.cliEnv });
      expect([spoil.code, spoil.stderr]).toEqual([0, '']);
      await waitFor('the request to take another card', async () => {
        const [r] = await requests(s.db, [requestId]);
        return r.state === 'awaiting-card' && r.card_id === null ? r : undefined;
      });
    } finally {
      await remove(c);
    }
    const fresh = blankCard();
    await insert(fresh, R0);
    try {
      const [done] = await waitForRequests(s.db, [requestId], ['issued'], 60_000).catch(async (e: Error) => {
        throw new Error(`${e.message}\n${await diagnose(s, [requestId])}`);
      });
      expect(done.serial).toBe(fresh.serial);
      // One set revoked (the spoiled card's escrowed keys), one set valid.
      const certs = await certificates(requestId);
      for (const x of certs) expect(x.revoked).toBeLessThanOrEqual(1);
    } finally {
      await remove(fresh);
    }
  }, 240_000);

  it('a card without Discovery that refuses to have it written is issued anyway: the step is skipped with the status word', async () => {
    const requestId = await oneRequest();
    // The software card has Discovery built in, as a YubiKey does; this one has none and refuses the write.
    const c = blankCard({
      refuse: [
        { ins: Ins.GET_DATA, object: OBJECT.DISCOVERY, sw: SW.FILE_NOT_FOUND },
        { ins: Ins.PUT_DATA, object: OBJECT.DISCOVERY, sw: 0x6a81 },
      ],
    });
    await insert(c, R0);
    try {
      await waitForRequests(s.db, [requestId], ['issued'], 60_000).catch(async (e: Error) => {
        throw new Error(`${e.message}\n${await diagnose(s, [requestId])}`);
      });
      const step = await s.db.query<{ outcome: string; sw: string }>(
        `SELECT outcome, details->>'sw' AS sw FROM personalisation_step WHERE request_id = $1 AND step = 'discovery'`,
        [requestId],
      );
      expect(step.rows).toEqual([{ outcome: 'skipped', sw: '6A81' }]);
      expect(await c.backend.getObject(OBJECT.DISCOVERY)).toBeUndefined();
      expect((await attempts(requestId)).length).toBe(1);
      // A card with its own Discovery keeps it: nothing written.
      const own = await s.db.query<{ outcome: string; present: string }>(
        `SELECT s.outcome, s.details->>'present' AS present FROM personalisation_step s JOIN card k ON k.id = s.card_id
          WHERE k.state = 'issued' AND s.step = 'discovery' AND s.request_id <> $1 LIMIT 1`,
        [requestId],
      );
      expect(own.rows).toEqual([{ outcome: 'skipped', present: 'true' }]);
    } finally {
      await remove(c);
    }
  }, 120_000);
});
