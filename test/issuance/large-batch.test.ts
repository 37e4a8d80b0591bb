import { appDb, approveBySecondOfficer, call, startApi, type RunningApi } from '@scm/test-kit';
import { officer, people, type Officer } from './support';

/**
 * Thousands in one call: 5000 cardholders imported and 5000 requests accepted in one transaction
 * each, every one audited (more events than one INSERT can bind, so appended in chunks) and the
 * chain still whole.
 */
describe('a batch of thousands', () => {
  let api: RunningApi;
  let off: Officer;
  let auditor: Officer;

  beforeAll(async () => {
    api = await startApi({ SCM_KEYGEN_CONCURRENCY: '0' });
    off = await officer(api);
    auditor = await officer(api, ['auditor']);
  });
  afterAll(async () => {
    await api.close();
    off.cleanup();
    auditor.cleanup();
  });

  it('accepts 5000 requests in one call, each with its job and its audit event', async () => {
    // More than one INSERT can bind (14 parameters per audit event, 65535 per statement).
    const N = 5000;
    const imp = await call<{ created: number; ids: string[]; approval?: { id: string } }>(
      api.url,
      'POST',
      '/api/v1/cardholders/import',
      off.token,
      { cardholders: people(N) },
    );
    expect([imp.status, imp.body.created]).toEqual([201, N]);
    // Separation of duties: one approval by a second officer registers all of them and sponsors their first cards.
    await approveBySecondOfficer(api.url, imp.body.approval);
    const r = await call<{ batchId: string; size: number; requests: Array<{ id: string }> }>(
      api.url,
      'POST',
      '/api/v1/issuance-batches',
      off.token,
      {
        requests: imp.body.ids.map((cardholder) => ({ cardholder })),
      },
    );
    expect([r.status, r.body.size, r.body.requests.length]).toEqual([201, N, N]);
    const db = await appDb();
    try {
      const ids = r.body.requests.map((x) => x.id);
      const q = async (sql: string, p: unknown[]) => ((await db.query(sql, p)).rows[0] as { n: number }).n;
      expect(await q(`SELECT count(*)::int AS n FROM issuance_request WHERE batch_id = $1 AND state = 'requested'`, [r.body.batchId])).toBe(
        N,
      );
      expect(
        await q(`SELECT count(*)::int AS n FROM outbox WHERE job_id = ANY($1::text[])`, [ids.map((id) => `generate-keys|requestId=${id}`)]),
      ).toBe(N);
      expect(
        await q(
          `SELECT count(DISTINCT target_id)::int AS n FROM audit_event WHERE action = 'issuance-request.requested' AND target_id = ANY($1::text[])`,
          [ids],
        ),
      ).toBe(N);
      expect(
        await q(`SELECT count(*)::int AS n FROM audit_event WHERE action = 'cardholder.created' AND target_id = ANY($1::text[])`, [
          imp.body.ids,
        ]),
      ).toBe(N);
      const verify = await call<{ broken: unknown; events: number }>(api.url, 'GET', '/api/v1/audit/verify', auditor.token);
      expect(verify.body.broken).toBeNull();
      expect(verify.body.events).toBeGreaterThan(2 * N);
      // Nothing generates keys in this test: settle the batch so later tests' key generators skip it.
      await db.query(`UPDATE issuance_request SET state = 'cancelled' WHERE batch_id = $1`, [r.body.batchId]);
    } finally {
      await db.end();
    }
  });
});
